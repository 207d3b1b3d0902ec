package caddymodule

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

func TestTenantFromCaddyfile(t *testing.T) {
	out, err := adapt(t, site("app.example.com, *.app.example.com", block("tenant_from host {tenant}.app.example.com\n\t\tshared /static/* /favicon.ico\n\t\tshared /fonts/*")))
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Issuer     string                `json:"issuer"`
		TenantFrom siteconfig.TenantFrom `json:"tenant_from"`
	}
	var lb map[string]any
	for _, m := range handlers(t, out) {
		if m["handler"] == "lockbox" {
			lb = m
		}
	}
	raw, _ := json.Marshal(lb)
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	want := siteconfig.TenantFrom{Host: "{tenant}.app.example.com", Shared: []string{"/static/*", "/favicon.ico", "/fonts/*"}}
	if h.Issuer != "https://app.example.com/_lockbox" || h.TenantFrom.Host != want.Host || !slices.Equal(h.TenantFrom.Shared, want.Shared) {
		t.Fatalf("adapted to issuer %q, tenant_from %+v", h.Issuer, h.TenantFrom)
	}
	if _, err := adapt(t, site("app.example.com", block("tenant_from path /t/{tenant}/"))); err != nil {
		t.Fatal(err)
	}
}

func TestTenantFromCaddyfileErrors(t *testing.T) {
	for _, tt := range []struct{ addr, line, want string }{
		{"app.example.com", "tenant_from /t/{tenant}/", "tenant_from takes host or path and a pattern"},
		{"app.example.com", "tenant_from header X-Tenant", "tenant_from takes host or path and a pattern"},
		{"app.example.com", "tenant_from path /t/{tenant}/\n\t\ttenant_from path /u/{tenant}/", "tenant_from is already set"},
		{"app.example.com", "tenant_from path /t/{tenant}", "must be a plain path ending in /{tenant}/"},
		{"app.example.com", "tenant_from host {tenant}.App.example.com", "lowercase common suffix"},
		{"app.example.com, *.example.com", "tenant_from host {tenant}.example.com", "the login host app.example.com must not be a tenant host"},
		{"app.example.com", "shared /static/*", "shared needs tenant_from"},
		{"app.example.com", "tenant_from path /t/{tenant}/\n\t\tshared static", "shared:"},
		{"app.example.com", "shared", "shared takes one or more path patterns"},
	} {
		_, err := adapt(t, site(tt.addr, block(tt.line)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.line, err, tt.want)
		}
	}
}
