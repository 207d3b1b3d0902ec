package opsapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// linkRotation answers POST /lockbox/keys/links/rotate.
type linkRotation struct {
	// KID is the key that signs admin links from now on.
	KID string `json:"kid"`
	// PreviousAcceptedUntil is when the retired key stops opening the
	// links it signed; each of them stops at its own expiry before.
	PreviousAcceptedUntil time.Time `json:"previous_accepted_until"`
}

// rotateLinkKey makes a new key sign the links to the Support Access
// page, on every instance.
func (h *Handler) rotateLinkKey(w http.ResponseWriter, r *http.Request) error {
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	if err := (httpjson.Body{Optional: true}).Decode(w, r, &struct{}{}); err != nil {
		return err
	}
	if h.links == nil {
		return problem.New(problem.Unavailable, "links_unavailable", "admin links are not available here")
	}
	kid, until, err := h.links.Rotate(r.Context())
	if errors.Is(err, adminlink.ErrFixedKey) {
		return problem.New(problem.Conflict, "fixed_link_key",
			"the admin link key comes from link_key_file, so Lockbox does not rotate it: put a new key on the file's first line, keep the old one below it until its links expire, and reload")
	}
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, linkRotation{KID: kid, PreviousAcceptedUntil: until.UTC()})
}
