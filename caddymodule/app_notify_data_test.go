package caddymodule

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
	d, err := emailData(store.Notification{Event: notify.BreakGlassUsed, Payload: payload})
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
	if _, err := emailData(store.Notification{Event: notify.BreakGlassUsed, Payload: []byte(`{`)}); err == nil {
		t.Fatal("a broken payload was read")
	}
}
