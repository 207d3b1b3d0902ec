package appapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// maxAdminsBody fits admins.MaxAdmins admins with long names and emails.
const maxAdminsBody = 256 << 10

// appActor is who changes the admin list: the app, on its own authority.
var appActor = store.Actor{ID: "app"}

// adminList is the body of PUT .../admins and the answer of both routes.
type adminList struct {
	Admins *[]admins.Admin `json:"admins"`
}

func (h *Handler) getAdmins(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	list, err := h.d.Admins.Get(r.Context(), t)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, adminList{Admins: &list})
}

func (h *Handler) putAdmins(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	var body adminList
	if err := (httpjson.Body{MaxBytes: maxAdminsBody}).Decode(w, r, &body); err != nil {
		return err
	}
	if body.Admins == nil {
		return problem.New(problem.Invalid, "invalid_admins", `"admins" is required: the whole list of the tenant's admins ([] to clear it)`)
	}
	list, err := h.d.Admins.Set(r.Context(), t, httpjson.NonNil(*body.Admins), appActor)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, adminList{Admins: &list})
}
