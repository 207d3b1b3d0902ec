package opsapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantapi"
)

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

// adminsSetter reads the new admin list and the operator who sets it.
func adminsSetter(w http.ResponseWriter, r *http.Request, _ string) ([]admins.Admin, store.Actor, error) {
	var body putAdminsBody
	if err := (httpjson.Body{MaxBytes: tenantapi.MaxAdminsBody}).Decode(w, r, &body); err != nil {
		return nil, store.Actor{}, err
	}
	if err := tenantapi.AdminsGiven(body.Admins); err != nil {
		return nil, store.Actor{}, err
	}
	by, err := opsActor(body.By, true)
	if err != nil {
		return nil, store.Actor{}, err
	}
	return *body.Admins, by, nil
}
