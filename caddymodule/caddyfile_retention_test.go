package caddymodule

import (
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
)

func TestCaddyfileRetentionErrors(t *testing.T) {
	tests := []struct {
		name, block, want string
	}{
		{"negative", "audit_retention -3d", `audit_retention "-3d" is not a positive duration`},
		{"zero", "audit_retention 0s", `audit_retention "0s" is not a positive duration`},
		{"word", "audit_retention forever", `audit_retention "forever" is not a positive duration`},
		{"twice", "audit_retention 30d\n\t\taudit_retention 60d", "audit_retention is already set"},
		{"archive without dir", "audit_archive", "audit_archive needs the directory"},
		{"archive twice", "audit_archive /a\n\t\taudit_archive /b", "audit_archive is already set"},
	}
	adapter := caddyconfig.GetAdapter("caddyfile")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := "{\n\tlockbox {\n\t\t" + tt.block + "\n\t}\n}\n"
			_, _, err := adapter.Adapt([]byte(cfg), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("adapt error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestRetentionNeedsArchive: audit_retention in JSON without an archive
// is refused when the config loads; "off" is not.
func TestRetentionNeedsArchive(t *testing.T) {
	s, _ := boltStorage(t)
	a := &App{Storage: s, AuditArchiving: AuditArchiving{AuditRetention: "30d"}}
	if err := a.Provision(testContext(t)); err == nil || !strings.Contains(err.Error(), "audit_retention needs audit_archive") {
		_ = a.Cleanup()
		t.Fatalf("provision = %v; want the archive required", err)
	}
	a = &App{Storage: s, AuditArchiving: AuditArchiving{AuditRetention: "off"}}
	if err := a.Provision(testContext(t)); err != nil {
		t.Fatalf("off: %v", err)
	}
	t.Cleanup(func() { _ = a.Cleanup() })
	if _, moving := a.RetentionStatus(); moving {
		t.Fatal("off: a mover runs")
	}
}
