package tenantapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// MaxAdminsBody fits admins.MaxAdmins admins with long names and emails.
const MaxAdminsBody = 256 << 10

// adminList answers both admin routes.
type adminList struct {
	Admins []admins.Admin `json:"admins"`
}

// errNoAdmins answers when Handlers has no Admins.
var errNoAdmins = problem.New(problem.Unavailable, "admins_unavailable", "the tenants' admins are not available here")

// AdminsGiven refuses a PUT .../admins body without its "admins" list; a
// pointer tells a missing list from an empty one.
func AdminsGiven(list *[]admins.Admin) error {
	if list == nil {
		return problem.New(problem.Invalid, "invalid_admins", `"admins" is required: the whole list of the tenant's admins ([] to clear it)`)
	}
	return nil
}

// GetAdmins answers GET .../tenants/{tenant}/admins.
func (h *Handlers) GetAdmins(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	if h.Admins == nil {
		return errNoAdmins
	}
	list, err := h.Admins.Get(r.Context(), t)
	if err != nil {
		return err
	}
	return h.Resp.Reply(w, r, http.StatusOK, adminList{Admins: httpjson.NonNil(list)})
}

// PutAdmins answers PUT .../tenants/{tenant}/admins: it replaces the
// tenant's whole admin list.
func (h *Handlers) PutAdmins(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	list, by, err := h.Caller.AdminsSetter(w, r, t)
	if err != nil {
		return err
	}
	if h.Admins == nil {
		return errNoAdmins
	}
	list, err = h.Admins.Set(r.Context(), t, httpjson.NonNil(list), by)
	if err != nil {
		return err
	}
	return h.Resp.Reply(w, r, http.StatusOK, adminList{Admins: httpjson.NonNil(list)})
}
