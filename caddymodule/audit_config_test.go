package caddymodule

import (
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
)

func TestAuditCaddyfile(t *testing.T) {
	tests := []struct {
		name  string
		lines string
		want  string // in the adapted JSON, or the error
		fails bool
	}{
		{name: "strict", lines: "audit strict", want: `"audit":"strict"`},
		{name: "buffered", lines: "audit buffered", want: `"audit":"buffered"`},
		{name: "replicas", lines: "storage redis redis://127.0.0.1:6379/0\n\t\taudit_replicas 2 250ms", want: `"audit_replicas":2,"audit_replica_timeout":250000000`},
		{name: "no mode", lines: "audit", want: "audit needs a mode: strict or buffered", fails: true},
		{name: "unknown mode", lines: "audit lax", want: `unknown audit mode "lax": use strict or buffered`, fails: true},
		{name: "two modes", lines: "audit strict buffered", want: "audit takes exactly one mode", fails: true},
		{name: "mode twice", lines: "audit strict\n\t\taudit buffered", want: "audit is already set", fails: true},
		{name: "no replicas", lines: "audit_replicas", want: "audit_replicas needs a number of replicas", fails: true},
		{name: "zero replicas", lines: "audit_replicas 0", want: "audit_replicas must be a number between 1 and 16", fails: true},
		{name: "bad timeout", lines: "audit_replicas 1 soon", want: `audit_replicas timeout "soon" is not a positive duration`, fails: true},
		{name: "replicas twice", lines: "audit_replicas 1\n\t\taudit_replicas 2", want: "audit_replicas is already set", fails: true},
	}
	adapter := caddyconfig.GetAdapter("caddyfile")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := adapter.Adapt([]byte("{\n\tlockbox {\n\t\t"+tt.lines+"\n\t}\n}\n"), nil)
			switch {
			case tt.fails && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("adapt = %v; want an error containing %q", err, tt.want)
			case !tt.fails && err != nil:
				t.Fatalf("adapt: %v", err)
			case !tt.fails && !strings.Contains(string(out), tt.want):
				t.Fatalf("adapted JSON lacks %s:\n%s", tt.want, out)
			}
		})
	}
}

// TestAuditReplicasValidated: audit_replicas that could never hold is
// refused when the config loads, never ignored.
func TestAuditReplicasValidated(t *testing.T) {
	redis := &Storage{Backend: BackendRedis, URL: "redis://127.0.0.1:6379/0?read_timeout=300ms"}
	tests := []struct {
		name string
		app  App
		want string
	}{
		{name: "on bolt", app: App{auditSettings: auditSettings{AuditReplicas: 1}}, want: "audit_replicas needs the redis storage backend"},
		{name: "wait past the read timeout", app: App{Storage: redis, auditSettings: auditSettings{AuditReplicas: 1, AuditReplicaTimeout: caddy.Duration(time.Second)}}, want: "below the redis read timeout (300ms)"},
		{name: "unknown mode in JSON", app: App{Storage: redis, auditSettings: auditSettings{AuditMode: "lax"}}, want: `unknown audit mode "lax"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := tt.app
			if app.Storage == nil {
				app.Storage, _ = boltStorage(t)
			}
			err := app.Provision(testContext(t))
			if err == nil {
				_ = app.Cleanup()
				t.Fatalf("provision succeeded; want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("provision = %v; want %q", err, tt.want)
			}
		})
	}
}
