package appapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/admins"
)

type adminsBody struct {
	Admins []admins.Admin `json:"admins"`
}

func TestPutAndGetAdmins(t *testing.T) {
	e := newEnv(t, nil)
	var got adminsBody
	e.call(http.MethodGet, "/tenants/acme/admins", "", http.StatusOK, &got)
	if !slices.Equal(got.Admins, []admins.Admin{ana, vic}) {
		t.Fatalf("registered %+v", got.Admins)
	}
	zoe := admins.Admin{ID: "u_zoe", Email: "zoe@acme.test", Name: `Zoë <b>"Z"</b> & co`, Role: "admin"}
	body, _ := json.Marshal(adminsBody{Admins: []admins.Admin{zoe}})
	for range 2 {
		e.call(http.MethodPut, "/tenants/acme/admins", string(body), http.StatusOK, &got)
		if !slices.Equal(got.Admins, []admins.Admin{zoe}) {
			t.Fatalf("put answered %+v", got.Admins)
		}
	}
	e.call(http.MethodGet, "/tenants/acme/admins", "", http.StatusOK, &got)
	if !slices.Equal(got.Admins, []admins.Admin{zoe}) {
		t.Fatalf("stored %+v", got.Admins)
	}
	if types := e.EventTypes("acme"); !slices.Equal(types, []string{"admins.updated", "admins.updated"}) {
		t.Fatalf("events %v: want one admins.updated per change", types)
	}
	// The replaced list no longer acts; the new one does.
	e.callError(http.MethodPost, "/tenants/acme/grants", `{"duration":"1d",`+asAna+`}`, 403, "admin_not_registered")
	e.create(`{"duration":"1d","admin":{"id":"u_zoe"}}`)

	e.call(http.MethodPut, "/tenants/acme/admins", `{"admins":[]}`, http.StatusOK, &got)
	if got.Admins == nil || len(got.Admins) != 0 {
		t.Fatalf("cleared list answered %+v", got.Admins)
	}
	r := e.call(http.MethodGet, "/tenants/initech/admins", "", http.StatusOK, nil)
	if strings.TrimSpace(string(r.Body)) != `{"admins":[]}` {
		t.Fatalf("a tenant without admins: %s", r.Body)
	}
}

func TestPutAdminsRefused(t *testing.T) {
	e := newEnv(t, nil)
	big := make([]admins.Admin, admins.MaxAdmins)
	for i := range big {
		big[i] = admins.Admin{ID: strings.Repeat("i", 90) + string(rune('a'+i%26)) + string(rune('a'+i/26)), Email: "a@acme.test", Name: strings.Repeat("n", 200), Role: "owner"}
	}
	fits, _ := json.Marshal(adminsBody{Admins: big})
	huge := `{"admins":[` + strings.Repeat(`{"id":"x","email":"a@b.test","role":"r","name":"`+strings.Repeat("n", 1000)+`"},`, 300) + `]}`
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"no list", `{}`, 400, "invalid_admins"},
		{"null list", `{"admins":null}`, 400, "invalid_admins"},
		{"bad email", `{"admins":[{"id":"u","email":"nope","role":"owner"}]}`, 400, "invalid_admins"},
		{"no role", `{"admins":[{"id":"u","email":"u@acme.test"}]}`, 400, "invalid_admins"},
		{"reserved id", `{"admins":[{"id":"ops:dana","email":"u@acme.test","role":"owner"}]}`, 400, "invalid_admins"},
		{"duplicate", `{"admins":[{"id":"u","email":"u@acme.test","role":"owner"},{"id":"u","email":"v@acme.test","role":"owner"}]}`, 400, "invalid_admins"},
		{"unknown field", `{"admins":[{"id":"u","email":"u@acme.test","role":"owner","tenant":"globex"}]}`, 400, "invalid_json"},
		{"a bare list", `[{"id":"u","email":"u@acme.test","role":"owner"}]`, 400, "invalid_json"},
		{"oversized", huge, 413, "body_too_large"},
		{"over 200", string(fits[:len(fits)-2]) + `,{"id":"one-more","email":"a@acme.test","role":"owner"}]}`, 400, "invalid_admins"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.callError(http.MethodPut, "/tenants/acme/admins", tt.body, tt.status, tt.code)
		})
	}
	var got adminsBody
	e.call(http.MethodGet, "/tenants/acme/admins", "", http.StatusOK, &got)
	if !slices.Equal(got.Admins, []admins.Admin{ana, vic}) {
		t.Fatalf("refusals changed the list: %+v", got.Admins)
	}
	e.call(http.MethodPut, "/tenants/acme/admins", string(fits), http.StatusOK, nil)
	e.callError(http.MethodGet, "/tenants/acme/admins?x=1", "", 400, "invalid_query")
	e.callError(http.MethodDelete, "/tenants/acme/admins", "", 405, "method_not_allowed")
}
