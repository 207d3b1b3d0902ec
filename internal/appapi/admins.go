package appapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantapi"
)

// appActor is who changes the admin list: the app, on its own authority.
var appActor = store.Actor{ID: "app"}

// adminsBody is the body of PUT .../admins.
type adminsBody struct {
	Admins *[]admins.Admin `json:"admins"`
}

// adminsSetter reads the new admin list; the app sets it on its own
// authority.
func adminsSetter(w http.ResponseWriter, r *http.Request, _ string) ([]admins.Admin, store.Actor, error) {
	var body adminsBody
	if err := (httpjson.Body{MaxBytes: tenantapi.MaxAdminsBody}).Decode(w, r, &body); err != nil {
		return nil, store.Actor{}, err
	}
	if err := tenantapi.AdminsGiven(body.Admins); err != nil {
		return nil, store.Actor{}, err
	}
	return *body.Admins, appActor, nil
}
