package email_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func requestData(reason string) email.Data {
	return email.Data{
		Product:   "Acme Cloud",
		Tenant:    "acme",
		Recipient: email.Recipient{Name: "Bob Admin", Email: "bob@acme.example"},
		Actor:     &store.Actor{ID: "agent-1", Email: "carol@support.example"},
		At:        created,
		Link:      testLink,
		Request: &email.Request{
			ID: "r_1", Reason: reason, Ticket: "T-77", Scopes: []string{"read", "write"}, Duration: "7d",
			Areas: []string{"planning"}, Needed: 2, ExpiresAt: created.Add(72 * time.Hour),
		},
	}
}

func TestRenderRequestCreated(t *testing.T) {
	m, err := email.Render(email.KindRequestCreated, requestData("invoice totals are wrong"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "carol@support.example asks for support access to acme" {
		t.Fatalf("subject %q", m.Subject)
	}
	for _, want := range []string{"invoice totals are wrong", "T-77", "7d", "planning", "read and write", "2 different admins", "Tue 25 Nov 2025, 14:00 UTC", testLink, "Approve or deny"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, strings.ReplaceAll(want, "&", "&amp;")) {
			t.Errorf("email lacks %q:\n%s\n%s", want, m.Text, m.HTML)
		}
	}
}

func TestRenderExtensionRequest(t *testing.T) {
	d := requestData("still fixing it")
	d.Request.Extension, d.Request.Duration = true, "1d"
	m, err := email.Render(email.KindRequestCreated, d)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "carol@support.example asks for more time in acme" || !strings.Contains(m.Text, "for 1d more on the current support access grant") {
		t.Fatalf("extension email: %q\n%s", m.Subject, m.Text)
	}
}

func TestRenderRequestEscapesTheAgentsWords(t *testing.T) {
	d := requestData(`<img src=x onerror=alert(1)>` + "\r\nBcc: evil@attacker.example")
	d.Request.Ticket = "<b>T</b>"
	m, err := email.Render(email.KindRequestCreated, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<img") || strings.Contains(m.HTML, "<b>T</b>") {
		t.Fatalf("agent's words not escaped in the HTML:\n%s", m.HTML)
	}
	if strings.Contains(m.Text, "\nBcc:") || strings.Contains(m.Subject, "\n") {
		t.Fatalf("agent's words not made one line:\n%q", m.Text)
	}
}

func TestRenderRequestNeedsItsRequest(t *testing.T) {
	d := requestData("x")
	d.Request = nil
	if _, err := email.Render(email.KindRequestCreated, d); err == nil {
		t.Fatal("rendered a request email without the request")
	}
}
