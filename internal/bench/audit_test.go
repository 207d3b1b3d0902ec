package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestCountRequests(t *testing.T) {
	out := `{"events":[{"seq":1,"type":"grant.created"},{"seq":2,"type":"session.started"},` +
		`{"seq":3,"type":"http.request","data":{"status":200}},{"seq":4,"type":"http.request"},{"seq":5,"type":"access.denied"}]}`
	n, err := countRequests([]byte(out))
	if err != nil || n != 2 {
		t.Errorf("countRequests = %d, %v; want 2", n, err)
	}
	if _, err := countRequests([]byte("Tenant acme has no audit events.\n")); err == nil {
		t.Error("countRequests accepted a table")
	}
}

func TestAuditCheckWrite(t *testing.T) {
	tests := []struct {
		name  string
		check auditCheck
		want  string
	}{
		{"all audited", auditCheck{Audited: 1000, Sent: 1000}, "1,000 http.request events (lockbox audit --tenant acme --json) for 1,000 completed agent requests, none lost"},
		{"in flight at the end", auditCheck{Audited: 1032, Sent: 1000}, "1,032 http.request events (lockbox audit --tenant acme --json) for 1,000 completed agent requests, none lost"},
		{"lost", auditCheck{Audited: 990, Sent: 1000}, "NOT met: 10 missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tt.check.write(&out)
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("check says %q, want %q", out.String(), tt.want)
			}
		})
	}
}
