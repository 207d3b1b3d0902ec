package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const linkAnswer = `{"url":"https://app.example.test/_lockbox/admin?token=eyJ.x.y","expires_at":"2026-01-03T15:04:05Z"}`

func TestLinkPrintsURLAlone(t *testing.T) {
	c, f, out := newFake(map[string]answer{"POST /lockbox/tenants/acme/admin-links": {201, linkAnswer}})
	var info bytes.Buffer
	if err := c.Link(LinkOptions{Tenant: "acme", Admin: "a1", Info: &info}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1"}`)
	if got := out.String(); got != "https://app.example.test/_lockbox/admin?token=eyJ.x.y\n" {
		t.Fatalf("stdout %q, want the URL alone", got)
	}
	want := "The link opens the Support Access page of tenant acme for admin a1 until 2026-01-03 15:04 UTC (in 1d).\n"
	if info.String() != want {
		t.Fatalf("info %q, want %q", info.String(), want)
	}
}

func TestLinkWithTTLAsJSON(t *testing.T) {
	c, f, out := newFake(map[string]answer{"POST /lockbox/tenants/acme/admin-links": {201, linkAnswer}})
	var info bytes.Buffer
	if err := c.Link(LinkOptions{Tenant: "acme", Admin: "a1", TTL: "7d", JSON: true, Info: &info}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1","ttl":"7d"}`)
	var got adminLink
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.URL == "" || got.ExpiresAt.IsZero() || info.Len() != 0 {
		t.Fatalf("JSON output %q, info %q: %v", out, info.String(), err)
	}
}

func TestLinkUsageErrorsSendNothing(t *testing.T) {
	tests := []struct {
		name string
		o    LinkOptions
		msg  string
	}{
		{"no tenant", LinkOptions{Admin: "a1"}, "--tenant is required"},
		{"no admin", LinkOptions{Tenant: "acme"}, "--admin is required"},
		{"blank admin", LinkOptions{Tenant: "acme", Admin: " "}, "--admin is required"},
		{"bad ttl", LinkOptions{Tenant: "acme", Admin: "a1", TTL: "tomorrow"}, `invalid --ttl "tomorrow"`},
		{"zero ttl", LinkOptions{Tenant: "acme", Admin: "a1", TTL: "0d"}, "invalid --ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newFake(nil)
			err := c.Link(tt.o)
			if !IsUsage(err) || !strings.Contains(err.Error(), tt.msg) || len(f.sent) != 0 {
				t.Fatalf("err = %v, sent %d; want a usage error containing %q", err, len(f.sent), tt.msg)
			}
		})
	}
}

func TestLinkRefusedByAPI(t *testing.T) {
	tests := []struct {
		status int
		body   string
		line   string
	}{
		{404, `{"error":{"code":"admin_not_found","message":"tenant acme has no registered admin \"a9\""}}`, `lockbox: tenant acme has no registered admin "a9"`},
		{403, `{"error":{"code":"role_not_allowed","message":"role \"viewer\" may not change support access; allowed roles: owner, admin"}}`, `lockbox: role "viewer" may not change support access; allowed roles: owner, admin`},
		{409, `{"error":{"code":"public_url_required","message":"set public_url"}}`, "lockbox: set public_url"},
	}
	for _, tt := range tests {
		c, _, out := newFake(map[string]answer{"POST /lockbox/tenants/acme/admin-links": {tt.status, tt.body}})
		var info bytes.Buffer
		err := c.Link(LinkOptions{Tenant: "acme", Admin: "a9", Info: &info})
		var e *APIError
		if !errors.As(err, &e) || e.Status != tt.status || Line(err) != tt.line || out.Len() != 0 || info.Len() != 0 {
			t.Fatalf("err = %v (line %q), stdout %q, info %q", err, Line(err), out, info.String())
		}
	}
}

func TestLinkLimitedToAreas(t *testing.T) {
	c, f, out := newFake(map[string]answer{"POST /lockbox/tenants/acme/admin-links": {201, linkAnswer}})
	var info bytes.Buffer
	if err := c.Link(LinkOptions{Tenant: "acme", Admin: "a1", Areas: []string{"planning, billing", "calendar"}, Info: &info}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1","areas":["planning","billing","calendar"]}`)
	if !strings.HasPrefix(out.String(), "https://") {
		t.Fatalf("stdout %q, want the URL", out)
	}
	want := "The link opens the Support Access page of tenant acme for admin a1 until 2026-01-03 15:04 UTC (in 1d); they may grant access only to planning, billing, calendar.\n"
	if info.String() != want {
		t.Fatalf("info %q, want %q", info.String(), want)
	}
}

func TestLinkWithEmptyAreasSendsNone(t *testing.T) {
	c, f, _ := newFake(map[string]answer{"POST /lockbox/tenants/acme/admin-links": {201, linkAnswer}})
	if err := c.Link(LinkOptions{Tenant: "acme", Admin: "a1", Areas: []string{""}}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1"}`)
}

func TestLinkUnknownAreaRefusedByAPI(t *testing.T) {
	body := `{"error":{"code":"unknown_area","message":"\"payroll\" is not an area of this site; known areas: billing, planning"}}`
	c, _, out := newFake(map[string]answer{"POST /lockbox/tenants/acme/admin-links": {400, body}})
	err := c.Link(LinkOptions{Tenant: "acme", Admin: "a1", Areas: []string{"payroll"}})
	if Line(err) != `lockbox: "payroll" is not an area of this site; known areas: billing, planning` || out.Len() != 0 {
		t.Fatalf("err = %v, stdout %q", err, out)
	}
}
