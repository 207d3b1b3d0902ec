package adminmail

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func TestBreakGlassIsEmailedToAdmins(t *testing.T) {
	if !emailed[email.KindBreakGlassUsed] {
		t.Fatal("breakglass.used is not emailed to admins")
	}
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	e := store.Event{
		Tenant: "acme", Type: notify.BreakGlassUsed, Time: at, Session: "s_1",
		Actor: &store.Actor{ID: "agent:carol", Email: "carol@support.example"},
		Data:  json.RawMessage(`{"reason":"INC-42 outage","scopes":["read","write"],"ends_at":"2030-01-02T04:04:00Z"}`),
	}
	payload, err := json.Marshal(notify.NewAuditData(e))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Data(store.Notification{Event: notify.BreakGlassUsed, Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	d.Tenant = "acme"
	m, err := email.Render(notify.BreakGlassUsed, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"carol@support.example", "INC-42 outage", "04:04 UTC"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("email lacks %q:\n%s", want, m.Text)
		}
	}
	if _, err := Data(store.Notification{Event: notify.BreakGlassUsed, Payload: []byte(`{`)}); err == nil {
		t.Fatal("a broken payload was read")
	}
}

func TestRequestIsEmailedToAdmins(t *testing.T) {
	if !emailed[email.KindRequestCreated] {
		t.Fatal("request.created is not emailed to admins")
	}
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	payload := `{"tenant":"acme","request":{"id":"r_1","tenant":"acme","agent":{"sub":"a-1","iss":"https://idp","email":"carol@support.example"},` +
		`"reason":"invoice totals wrong","ticket":"T-9","scopes":["read","write"],"duration":"7d","approvals_needed":2,"approvals":[],` +
		`"created_at":"2030-01-02T03:04:00Z","expires_at":"2030-01-05T03:04:00Z","state":"pending"},"review_url":"https://app.example/_lockbox/admin?request=r_1#request-r_1"}`
	d, err := Data(store.Notification{Event: notify.RequestCreated, Payload: []byte(payload)})
	if err != nil {
		t.Fatal(err)
	}
	d.Tenant = "acme"
	m, err := email.Render(notify.RequestCreated, d)
	if err != nil {
		t.Fatal(err)
	}
	if !d.At.Equal(at) {
		t.Errorf("event time %v, want %v", d.At, at)
	}
	for _, want := range []string{"carol@support.example", "invoice totals wrong", "T-9", "7d", "2 different admins", "Sat 5 Jan 2030, 03:04 UTC"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("email lacks %q:\n%s", want, m.Text)
		}
	}
	if _, err := Data(store.Notification{Event: notify.RequestCreated, Payload: []byte(`{"request":7}`)}); err == nil {
		t.Fatal("a broken payload was read")
	}
}
