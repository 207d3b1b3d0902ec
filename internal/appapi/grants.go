package appapi

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// createBody is the body of POST .../grants.
type createBody struct {
	Scopes   []string  `json:"scopes"`
	Duration string    `json:"duration"`
	Standing bool      `json:"standing"`
	Note     string    `json:"note"`
	Admin    *adminRef `json:"admin"`
}

// revokeBody is the body of DELETE .../grants/{id}.
type revokeBody struct {
	Admin  *adminRef `json:"admin"`
	Reason string    `json:"reason"`
}

// currentID in place of a grant id revokes whatever grant is active.
const currentID = "current"

func (h *Handler) listGrants(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	page, err := httpjson.PageQuery(r)
	if err != nil {
		return err
	}
	// History records a passed expiry first, so the active grant read
	// after it agrees with the history.
	gs, next, err := h.d.Grants.History(r.Context(), t, page)
	if err != nil {
		return err
	}
	active, err := h.active(r, t)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, httpjson.GrantPage{Active: active, Grants: httpjson.NonNil(gs), NextCursor: next})
}

// active returns the tenant's current grant, nil if it has none.
func (h *Handler) active(r *http.Request, t string) (*store.Grant, error) {
	g, err := h.d.Grants.Current(r.Context(), t)
	if problem.As(err).Code == "no_active_grant" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &g, nil
}

func (h *Handler) createGrant(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	var body createBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	req := grant.CreateRequest{Tenant: t, Scopes: body.Scopes, Standing: body.Standing, Note: body.Note}
	if req.Duration, err = h.duration(body); err != nil {
		return err
	}
	if req.By, err = h.actingAdmin(r, t, body.Admin); err != nil {
		return err
	}
	g, err := h.d.Grants.Create(r.Context(), req)
	if err != nil {
		return err
	}
	h.notify(r, t, grant.EventCreated, g)
	return h.resp.Reply(w, r, http.StatusCreated, g)
}

// duration returns the body's grant length if it is one of the choices
// offered: a configured duration, or standing unless refused.
func (h *Handler) duration(b createBody) (time.Duration, error) {
	switch {
	case b.Standing && b.Duration != "":
		return 0, badDuration("a standing grant has no duration; give one or the other")
	case b.Standing && h.cfg.NoStanding:
		return 0, badDuration("standing grants are not offered; choose %s", h.choices())
	case b.Standing:
		return 0, nil
	case b.Duration == "":
		return 0, badDuration("give a duration (%s)", h.choices())
	}
	d, err := grant.ParseDuration(b.Duration)
	if err != nil || !slices.Contains(h.cfg.Durations, d) {
		return 0, badDuration("duration %q is not offered; choose %s", httpjson.Clip(b.Duration), h.choices())
	}
	return d, nil
}

// choices names the offered grant lengths, as in "1d, 7d, 28d or standing".
func (h *Handler) choices() string {
	c := h.cfg.durationChoices()
	if !h.cfg.NoStanding {
		c = append(c, "standing")
	}
	if len(c) == 1 {
		return c[0]
	}
	return strings.Join(c[:len(c)-1], ", ") + " or " + c[len(c)-1]
}

func badDuration(format string, args ...any) error {
	return problem.New(problem.Invalid, "invalid_duration", format, args...)
}

func (h *Handler) revokeGrant(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	var body revokeBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	by, err := h.actingAdmin(r, t, body.Admin)
	if err != nil {
		return err
	}
	var g store.Grant
	if id := r.PathValue("id"); id == currentID {
		g, err = h.d.Grants.RevokeActive(r.Context(), t, by, body.Reason)
	} else {
		g, err = h.d.Grants.Revoke(r.Context(), t, id, by, body.Reason)
	}
	if err != nil {
		return err
	}
	h.notify(r, t, grant.EventRevoked, g)
	return h.resp.Reply(w, r, http.StatusOK, g)
}
