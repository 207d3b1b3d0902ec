package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// events returns n grant.created events starting at seq from.
func events(from, n int) string {
	var out []string
	for seq := from; seq < from+n; seq++ {
		out = append(out, fmt.Sprintf(`{"seq":%d,"tenant":"acme","type":"grant.created","time":"2026-01-02T15:04:05.5Z","actor":{"id":"ops:dana"},"grant":"g_%d","data":{"note":"n %d","scopes":["read"]},"prev_hash":"p","hash":"h"}`, seq, seq, seq))
	}
	return strings.Join(out, ",")
}

func TestAuditTable(t *testing.T) {
	c, f, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/audit?limit=100": {200, `{"events":[` + events(1, 2) + `]}`}})
	if err := c.Audit(AuditOptions{Tenant: "acme", Limit: DefaultAuditLimit}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", "/lockbox/tenants/acme/audit?limit=100", "")
	wantLines(t, out.String(),
		"SEQ  TIME                     TYPE           ACTOR     GRANT  DETAILS",
		`1    2026-01-02 15:04:05 UTC  grant.created  ops:dana  g_1    note="n 1" scopes=read`,
		`2    2026-01-02 15:04:05 UTC  grant.created  ops:dana  g_2    note="n 2" scopes=read`,
	)
	if strings.Contains(out.String(), "stopped at") {
		t.Fatalf("claims more events:\n%s", out)
	}
}

func TestAuditPagesUpToLimit(t *testing.T) {
	c, f, out := newFake(map[string]answer{
		"GET /lockbox/tenants/acme/audit?limit=1000":           {200, `{"events":[` + events(1, 1000) + `],"next_after":1000}`},
		"GET /lockbox/tenants/acme/audit?after=1000&limit=200": {200, `{"events":[` + events(1001, 200) + `],"next_after":1200}`},
	})
	if err := c.Audit(AuditOptions{Tenant: "acme", Limit: 1200, JSON: true}); err != nil {
		t.Fatal(err)
	}
	if len(f.sent) != 2 {
		t.Fatalf("sent %d requests", len(f.sent))
	}
	var p struct {
		Events []struct {
			Seq int64 `json:"seq"`
		} `json:"events"`
		NextAfter int64 `json:"next_after"`
	}
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 1200 || p.Events[1199].Seq != 1200 || p.NextAfter != 1200 {
		t.Fatalf("JSON has %d events, next_after %d", len(p.Events), p.NextAfter)
	}
}

func TestAuditSaysWhenStoppedAtLimit(t *testing.T) {
	c, _, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/audit?limit=2": {200, `{"events":[` + events(1, 2) + `],"next_after":2}`}})
	if err := c.Audit(AuditOptions{Tenant: "acme", Limit: 2}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), "(stopped at 2 events; more may follow: narrow with --since or raise --limit)")
}

func TestAuditSince(t *testing.T) {
	c, f, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/audit?limit=5&since=2026-01-01T15%3A04%3A05Z": {200, `{"events":[]}`}})
	if err := c.Audit(AuditOptions{Tenant: "acme", Since: "24h", Limit: 5}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", "/lockbox/tenants/acme/audit?limit=5&since=2026-01-01T15%3A04%3A05Z", "")
	wantLines(t, out.String(), "Tenant acme has no audit events since 2026-01-01 15:04:05 UTC.")
}

func TestAuditUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		o    AuditOptions
		msg  string
	}{
		{"no tenant", AuditOptions{Limit: 1}, "--tenant is required"},
		{"zero limit", AuditOptions{Tenant: "acme"}, "--limit must be at least 1"},
		{"bad since", AuditOptions{Tenant: "acme", Limit: 1, Since: "last week"}, `invalid --since "last week"`},
	}
	for _, tt := range tests {
		c, f, _ := newFake(nil)
		err := c.Audit(tt.o)
		if !IsUsage(err) || !strings.Contains(err.Error(), tt.msg) || len(f.sent) != 0 {
			t.Errorf("%s: err = %v, sent %d", tt.name, err, len(f.sent))
		}
	}
}

func TestVerifyIntact(t *testing.T) {
	c, f, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/audit/verify": {200, `{"tenant":"acme","events":4,"ok":true,"head":"9f86d081884c"}`}})
	if err := c.VerifyAudit(VerifyOptions{Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", "/lockbox/tenants/acme/audit/verify", "")
	wantLines(t, out.String(), "Audit chain of tenant acme is intact: 4 events, head 9f86d081884c.")
}

func TestVerifyEmpty(t *testing.T) {
	c, _, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/audit/verify": {200, `{"tenant":"acme","events":0,"ok":true}`}})
	if err := c.VerifyAudit(VerifyOptions{Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), "Tenant acme has no audit events yet: nothing to verify.")
}

func TestVerifyBroken(t *testing.T) {
	broken := `{"tenant":"acme","events":2,"ok":false,"broken_at":3,"problem":"content does not match its hash (the event was changed)"}`
	for _, asJSON := range []bool{false, true} {
		c, _, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/audit/verify": {200, broken}})
		err := c.VerifyAudit(VerifyOptions{Tenant: "acme", JSON: asJSON})
		var b *BrokenChainError
		if !errors.As(err, &b) || b.Verification.BrokenAt != 3 {
			t.Fatalf("json=%v: err = %v", asJSON, err)
		}
		if want := "lockbox: audit chain of tenant acme is broken at seq 3: content does not match its hash (the event was changed)"; Line(err) != want {
			t.Fatalf("line = %q", Line(err))
		}
		if asJSON != strings.Contains(out.String(), `"broken_at": 3`) || (!asJSON && out.Len() != 0) {
			t.Fatalf("json=%v: output %q", asJSON, out)
		}
	}
}

func TestAuditTableNamesAgentsByEmail(t *testing.T) {
	ev := `{"seq":7,"tenant":"acme","type":"http.request","time":"2026-01-02T15:04:05Z","actor":{"id":"agent:00u1f9x8kQzv7Lq2p5d7","email":"bob@support.example"},"grant":"g_1","session":"s_1","data":{"method":"GET","path":"/","status":200}}`
	c, _, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/audit?limit=100": {200, `{"events":[` + ev + `]}`}})
	if err := c.Audit(AuditOptions{Tenant: "acme", Limit: DefaultAuditLimit}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "  bob@support.example  ") || strings.Contains(out.String(), "00u1f9x8kQzv7Lq2p5d7") {
		t.Fatalf("the actor column should name the agent by email only:\n%s", out)
	}
}

// TestFollowTablePrintsHeaderOnce follows a chain over three polls, two
// with events: one header, then the rows of both, aligned.
func TestFollowTablePrintsHeaderOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base := "GET /lockbox/tenants/acme/audit?"
	c, f, out := newFake(map[string]answer{
		base + "limit=1000&since=2026-01-02T15%3A04%3A05Z": {200, `{"events":[` + events(1, 2) + `]}`},
		base + "after=2&limit=1000":                        {200, `{"events":[` + events(3, 1) + `]}`},
	})
	send := c.Send
	c.Send = func(method, uri string, body []byte) (int, []byte, error) {
		if len(f.sent) == 2 { // the third poll: nothing new, and stop
			cancel()
			return 200, []byte(`{"events":[]}`), nil
		}
		return send(method, uri, body)
	}
	if err := c.Follow(ctx, AuditOptions{Tenant: "acme"}, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "SEQ"); n != 1 {
		t.Fatalf("printed the header %d times:\n%s", n, out)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 rows:\n%s", out)
	}
	col := strings.Index(lines[0], "DETAILS")
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l[col:], "note=") {
			t.Fatalf("rows do not line up under the header:\n%s", out)
		}
	}
}
