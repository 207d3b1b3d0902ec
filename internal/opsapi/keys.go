package opsapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// rotation answers POST /lockbox/keys/rotate.
type rotation struct {
	// KID is the key that signs from now on.
	KID string `json:"kid"`
	// PreviousKeptFor is how long the retired key stays published, as a
	// Go duration ("6m0s").
	PreviousKeptFor string `json:"previous_kept_for"`
}

func (h *Handler) rotateKeys(w http.ResponseWriter, r *http.Request) error {
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	// No fields are taken; a body, if any, must be an empty object.
	if err := (httpjson.Body{Optional: true}).Decode(w, r, &struct{}{}); err != nil {
		return err
	}
	if h.keys == nil {
		return problem.New(problem.Unavailable, "keys_unavailable", "the signing keys are not available here")
	}
	keep := h.keepFor()
	if err := h.keys.Rotate(r.Context(), keep); err != nil {
		return rotateProblem(err)
	}
	key, err := h.keys.Signer()
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, rotation{KID: key.ID, PreviousKeptFor: keep.Round(time.Second).String()})
}

// rotateProblem explains a failed rotation.
func rotateProblem(err error) error {
	if errors.Is(err, token.ErrFixedKey) {
		return problem.New(problem.Conflict, "fixed_signing_key",
			"the signing key comes from signing_key_file, so Lockbox does not rotate it: replace the file and reload")
	}
	return problem.Store(err)
}
