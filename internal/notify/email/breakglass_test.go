package email_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func breakGlassData(reason string) email.Data {
	return email.Data{
		Product:   "Acme Cloud",
		Tenant:    "acme",
		Recipient: email.Recipient{Name: "Bob Admin", Email: "bob@acme.example"},
		Actor:     &store.Actor{ID: "agent:carol", Email: "carol@support.example"},
		At:        created,
		Link:      testLink,
		BreakGlass: &email.BreakGlass{
			Session: "s_1", Reason: reason, Scopes: []string{"read", "write"}, Until: created.Add(time.Hour),
		},
	}
}

func TestRenderBreakGlassUsed(t *testing.T) {
	m, err := email.Render(email.KindBreakGlassUsed, breakGlassData("INC-42: login outage"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Emergency support access to acme by carol@support.example" || m.To != `"Bob Admin" <bob@acme.example>` {
		t.Fatalf("subject %q to %q", m.Subject, m.To)
	}
	for _, want := range []string{"carol@support.example", "Sat 22 Nov 2025, 14:00 UTC", "INC-42: login outage", "Sat 22 Nov 2025, 15:00 UTC", testLink, "read and write"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, strings.ReplaceAll(want, "&", "&amp;")) {
			t.Errorf("email lacks %q:\n%s\n%s", want, m.Text, m.HTML)
		}
	}
}

func TestRenderBreakGlassEscapesTheReason(t *testing.T) {
	reason := `<script>alert(1)</script> & "x"` + "\r\nBcc: evil@attacker.example\u202e"
	m, err := email.Render(email.KindBreakGlassUsed, breakGlassData(reason))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;") {
		t.Fatalf("reason not escaped in the HTML:\n%s", m.HTML)
	}
	for _, body := range []string{m.Text, m.HTML} {
		if strings.Contains(body, "\nBcc:") || strings.Contains(body, "\r") || strings.Contains(body, "\u202e") {
			t.Fatalf("reason not made one clean line:\n%q", body)
		}
	}
}

func TestRenderBreakGlassNeedsItsEntry(t *testing.T) {
	d := breakGlassData("outage")
	d.BreakGlass = nil
	if _, err := email.Render(email.KindBreakGlassUsed, d); err == nil {
		t.Fatal("rendered a break-glass email without the entry")
	}
	d = breakGlassData("outage")
	d.At = time.Time{}
	if _, err := email.Render(email.KindBreakGlassUsed, d); err == nil {
		t.Fatal("rendered a break-glass email without its time")
	}
}
