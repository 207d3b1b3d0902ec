package opsapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// maxAdminsBody fits admins.MaxAdmins admins with long names and emails.
const maxAdminsBody = 256 << 10

// adminList answers both admin routes.
type adminList struct {
	Admins []admins.Admin `json:"admins"`
}

// putAdminsBody is the body of PUT /lockbox/tenants/{tenant}/admins. A
// pointer tells a missing list from an empty one.
type putAdminsBody struct {
	Admins *[]admins.Admin `json:"admins"`
	By     string          `json:"by"`
}

// WithAdmins lets the API read and replace the tenants' admin lists in
// reg.
func WithAdmins(reg *admins.Registry) Option {
	return func(h *Handler) { h.admins = reg }
}

func (h *Handler) getAdmins(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	if h.admins == nil {
		return errNoAdmins
	}
	list, err := h.admins.Get(r.Context(), t)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, adminList{Admins: httpjson.NonNil(list)})
}

func (h *Handler) putAdmins(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	var body putAdminsBody
	if err := (httpjson.Body{MaxBytes: maxAdminsBody}).Decode(w, r, &body); err != nil {
		return err
	}
	if body.Admins == nil {
		return problem.New(problem.Invalid, "invalid_admins", `"admins" is required: the whole list of the tenant's admins ([] to clear it)`)
	}
	by, err := opsActor(body.By, true)
	if err != nil {
		return err
	}
	if h.admins == nil {
		return errNoAdmins
	}
	list, err := h.admins.Set(r.Context(), t, httpjson.NonNil(*body.Admins), by)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, adminList{Admins: httpjson.NonNil(list)})
}

// errNoAdmins answers when the API was made without WithAdmins.
var errNoAdmins = problem.New(problem.Unavailable, "admins_unavailable", "the tenants' admins are not available here")
