package email_test

import (
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/store"
)

const testLink = "https://app.example.com/_lockbox/admin?token=abc"

var (
	created = time.Date(2025, 11, 22, 14, 0, 0, 0, time.UTC)
	expires = created.Add(7 * 24 * time.Hour)
)

func testGrant() store.Grant {
	e := expires
	return store.Grant{
		ID: "g1", Tenant: "acme", Scopes: []string{"read", "write", "pii"},
		CreatedBy: store.Actor{ID: "u1", Email: "alice@acme.example", Role: "owner"},
		CreatedAt: created, ExpiresAt: &e, Note: "Migrating invoices, ticket 4411",
	}
}

func createdData() email.Data {
	return email.Data{
		Product:   "Acme Cloud",
		Recipient: email.Recipient{Name: "Bob Admin", Email: "bob@acme.example"},
		Grant:     testGrant(),
		Link:      testLink,
	}
}

func hostileData() email.Data {
	d := createdData()
	d.Product = "Acme <i>Cloud</i>"
	d.Recipient.Name = "Eve <b>\r\nBcc: evil@attacker.example"
	d.Grant.Tenant = "acme\r\nX-Injected: yes"
	d.Grant.Note = "<script>alert(1)</script>\r\nX-Injected: yes\u202e\x1b[31m"
	d.Grant.CreatedBy.Email = `<img src=x onerror="alert(1)">`
	return d
}

func TestRenderKinds(t *testing.T) {
	g := testGrant()
	standing := g
	standing.ExpiresAt, standing.Scopes, standing.Note = nil, []string{"read"}, ""
	standing.CreatedBy = store.Actor{ID: "ops:dana"}
	nextYear := g
	jan := time.Date(2026, 1, 10, 9, 30, 0, 0, time.UTC)
	nextYear.ExpiresAt, nextYear.CreatedAt = &jan, time.Date(2025, 12, 20, 9, 30, 0, 0, time.UTC)
	revoked := g.End(store.Ending{At: created.Add(time.Hour), By: &store.Actor{ID: "ops:dana"}, Reason: store.EndRevoked, Note: "done early"})
	expired := g.End(store.Ending{At: expires, Reason: store.EndExpired})

	tests := []struct {
		name    string
		kind    string
		change  func(*email.Data)
		subject string
		text    []string
		html    []string
		notText []string
	}{
		{
			name: "created until", kind: email.KindGrantCreated,
			subject: "Support access to acme granted until 29 Nov",
			text: []string{"Hi Bob Admin,", "alice@acme.example granted Acme Cloud support access to your tenant acme.",
				"Access: read and write, with personal data.", "can see and change data", "shown to them unmasked",
				"Until:  Sat 29 Nov 2025, 14:00 UTC", "Note:   Migrating invoices, ticket 4411", "revoke this access at any time",
				"Review or revoke access:\n" + testLink, "admin of acme in Acme Cloud"},
			html: []string{"<b>alice@acme.example</b> granted", "read and write, with personal data", `href="` + testLink + `"`, "Review or revoke access"},
		},
		{
			name: "created standing by an operator", kind: email.KindGrantCreated,
			change:  func(d *email.Data) { d.Grant = standing },
			subject: "Standing support access to acme granted",
			text: []string{"dana (Acme Cloud operations) granted", "Access: read-only.", "but not change it", "Personal data stays masked.",
				"no end date"},
			notText: []string{"Note:"},
		},
		{
			name: "created into next year", kind: email.KindGrantCreated,
			change:  func(d *email.Data) { d.Grant = nextYear },
			subject: "Support access to acme granted until 10 Jan 2026",
		},
		{
			name: "created without name, link or product", kind: email.KindGrantCreated,
			change:  func(d *email.Data) { d.Recipient, d.Link, d.Product = email.Recipient{}, "", "" },
			subject: "Support access to acme granted until 29 Nov",
			text:    []string{"Hello,", "granted Lockbox support access"},
			notText: []string{"Review or revoke access", "https://"},
		},
		{
			name: "created in a time zone", kind: email.KindGrantCreated,
			change:  func(d *email.Data) { d.Location = time.FixedZone("CET", 3600) },
			subject: "Support access to acme granted until 29 Nov",
			text:    []string{"Sat 29 Nov 2025, 15:00 CET"},
		},
		{
			name: "revoked", kind: email.KindGrantRevoked,
			change:  func(d *email.Data) { d.Grant = revoked },
			subject: "Support access to acme revoked",
			text: []string{"dana (Acme Cloud operations) revoked Acme Cloud support access to your tenant acme on Sat 22 Nov 2025, 15:00 UTC.",
				"Reason: done early", "can no longer enter acme", "See the history of support access:\n" + testLink},
			html: []string{"<b>dana (Acme Cloud operations)</b> revoked", "done early"},
		},
		{
			name: "revoked by a tenant admin", kind: email.KindGrantRevoked,
			change: func(d *email.Data) {
				d.Grant = g.End(store.Ending{At: created.Add(2 * time.Hour), By: &store.Actor{ID: "u2", Email: "carol@acme.example"}, Reason: store.EndRevoked})
			},
			subject: "Support access to acme revoked",
			text:    []string{"carol@acme.example revoked", "16:00 UTC"},
			notText: []string{"Reason:"},
		},
		{
			name: "expiring", kind: email.KindGrantExpiring,
			change:  func(d *email.Data) { d.At = expires.Add(-24 * time.Hour) },
			subject: "Support access to acme ends 29 Nov at 14:00 UTC",
			text: []string{"Acme Cloud support access to your tenant acme ends on Sat 29 Nov 2025, 14:00 UTC.",
				"Access: read and write, with personal data.", "Granted by alice@acme.example on Sat 22 Nov 2025, 14:00 UTC.",
				"extend it", "revoke it now", "Extend or revoke access:\n" + testLink},
			html: []string{"Extend or revoke access", `href="` + testLink + `"`},
		},
		{
			name: "expired", kind: email.KindGrantExpired,
			change:  func(d *email.Data) { d.Grant = expired },
			subject: "Support access to acme has ended",
			text: []string{"ended on Sat 29 Nov 2025, 14:00 UTC, as planned.", "granted by alice@acme.example",
				"can no longer enter acme", "Open Support Access:\n" + testLink},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := createdData()
			if tt.change != nil {
				tt.change(&d)
			}
			m, err := email.Render(tt.kind, d)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject %q, want %q", m.Subject, tt.subject)
			}
			assertContains(t, "text", m.Text, tt.text)
			assertContains(t, "html", m.HTML, tt.html)
			for _, s := range tt.notText {
				if strings.Contains(m.Text, s) {
					t.Errorf("text has %q:\n%s", s, m.Text)
				}
			}
			if !strings.HasPrefix(m.HTML, "<!doctype html>") || !strings.Contains(m.HTML, `name="viewport"`) {
				t.Errorf("html is not a phone-ready document:\n%s", m.HTML)
			}
		})
	}
}

func TestRenderSetsRecipient(t *testing.T) {
	m, err := email.Render(email.KindGrantCreated, createdData())
	if err != nil {
		t.Fatal(err)
	}
	a, err := mail.ParseAddress(m.To)
	if err != nil || a.Name != "Bob Admin" || a.Address != "bob@acme.example" {
		t.Fatalf("To %q: %v", m.To, err)
	}
	d := createdData()
	d.Recipient.Email = ""
	if m, _ := email.Render(email.KindGrantCreated, d); m.To != "" {
		t.Fatalf("To %q without a recipient email", m.To)
	}
}

func TestRenderEscapesHostileInput(t *testing.T) {
	m, err := email.Render(email.KindGrantCreated, hostileData())
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<img", "<i>Cloud", "<b>\n", "\u202e", "\x1b"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("html has %q:\n%s", bad, m.HTML)
		}
	}
	assertContains(t, "html", m.HTML, []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x", "Acme &lt;i&gt;Cloud&lt;/i&gt;"})
	// Plain text is never interpreted, so markup may stay, but nothing that
	// moves the terminal or reorders text.
	assertContains(t, "text", m.Text, []string{"<script>alert(1)</script>"})
	for _, bad := range []string{"\r", "\u202e", "\x1b"} {
		if strings.Contains(m.Text, bad) {
			t.Errorf("text has %q", bad)
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") || strings.ContainsAny(m.To, "\r\n") {
		t.Fatalf("line break in a header: subject %q, to %q", m.Subject, m.To)
	}
	if _, err := mail.ParseAddress(m.To); err != nil {
		t.Fatalf("To %q does not parse: %v", m.To, err)
	}
}

func TestRenderRefusesBadData(t *testing.T) {
	tests := []struct {
		name   string
		kind   string
		change func(*email.Data)
		want   string
	}{
		{name: "unknown kind", kind: "grant.exploded", want: `unknown email kind "grant.exploded"`},
		{name: "no tenant", kind: email.KindGrantCreated, change: func(d *email.Data) { d.Grant.Tenant = " \r\n" }, want: "tenant is missing"},
		{name: "script link", kind: email.KindGrantCreated, change: func(d *email.Data) { d.Link = "javascript:alert(1)" }, want: "absolute http or https URL"},
		{name: "relative link", kind: email.KindGrantCreated, change: func(d *email.Data) { d.Link = "/_lockbox/admin" }, want: "absolute http or https URL"},
		{name: "expiring standing grant", kind: email.KindGrantExpiring, change: func(d *email.Data) { d.Grant.ExpiresAt = nil }, want: "standing"},
		{name: "revoked without a time", kind: email.KindGrantRevoked, want: "event time is missing"},
		{name: "created without a time", kind: email.KindGrantCreated, change: func(d *email.Data) { d.Grant.CreatedAt = time.Time{} }, want: "event time is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := createdData()
			if tt.change != nil {
				tt.change(&d)
			}
			_, err := email.Render(tt.kind, d)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func assertContains(t *testing.T, part, body string, want []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("%s lacks %q:\n%s", part, s, body)
		}
	}
}
