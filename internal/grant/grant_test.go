package grant_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

var dana = store.Actor{ID: "ops:dana"}

func newService(t *testing.T) (*grant.Service, *testkit.Clock, store.Store) {
	t.Helper()
	s := testkit.Bolt(t)
	c := testkit.NowClock()
	return grant.New(s, c.Now), c, s
}

func ctx() context.Context { return context.Background() }

func eventTypes(t *testing.T, s store.Store, tenant string) []string {
	t.Helper()
	es, err := s.Events(ctx(), tenant, store.EventQuery{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Type)
	}
	return out
}

func TestCreateAndCurrent(t *testing.T) {
	svc, c, s := newService(t)
	g, err := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Scopes: []string{"write"}, Duration: 7 * 24 * time.Hour, By: dana, Note: "ticket 42"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Scopes, []string{"read", "write"}) || !g.ExpiresAt.Equal(c.Now().Add(7*24*time.Hour)) {
		t.Fatalf("created %+v", g)
	}
	cur, err := svc.Current(ctx(), "acme")
	if err != nil || cur.ID != g.ID {
		t.Fatalf("Current = %+v, %v", cur, err)
	}
	if got := eventTypes(t, s, "acme"); !slices.Equal(got, []string{"grant.created"}) {
		t.Fatalf("events = %v", got)
	}
	es, _ := s.Events(ctx(), "acme", store.EventQuery{})
	if es[0].Grant != g.ID || es[0].Actor.ID != "ops:dana" || !strings.Contains(string(es[0].Data), `"note":"ticket 42"`) {
		t.Fatalf("grant.created event = %+v (%s)", es[0], es[0].Data)
	}
}

func TestReplaceEndsPreviousAsReplaced(t *testing.T) {
	svc, c, s := newService(t)
	g1, _ := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Duration: time.Hour, By: dana})
	c.Add(time.Second) // history orders by creation time
	g2, err := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Standing: true, By: dana})
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := svc.History(ctx(), "acme", store.Page{})
	if err != nil || len(h) != 2 || h[0].ID != g2.ID || h[1].ID != g1.ID || h[1].EndReason != store.EndReplaced {
		t.Fatalf("history = %+v, %v", h, err)
	}
	if got := eventTypes(t, s, "acme"); !slices.Equal(got, []string{"grant.created", "grant.replaced", "grant.created"}) {
		t.Fatalf("events = %v", got)
	}
}

func TestExpiryObservedOnceOnRead(t *testing.T) {
	svc, c, s := newService(t)
	g, _ := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Duration: time.Hour, By: dana})
	c.Add(59 * time.Minute)
	if _, err := svc.Current(ctx(), "acme"); err != nil {
		t.Fatalf("grant gone before its expiry: %v", err)
	}
	c.Add(time.Minute)
	for range 3 {
		_, err := svc.Current(ctx(), "acme")
		if p := problem.As(err); p.Kind != problem.NotFound || p.Code != "no_active_grant" {
			t.Fatalf("Current after expiry = %v", err)
		}
	}
	if got := eventTypes(t, s, "acme"); !slices.Equal(got, []string{"grant.created", "grant.expired"}) {
		t.Fatalf("events = %v, want one grant.expired", got)
	}
	ended, _ := svc.Get(ctx(), "acme", g.ID)
	if ended.EndReason != store.EndExpired || !ended.EndedAt.Equal(*g.ExpiresAt) {
		t.Fatalf("expired grant = %+v", ended)
	}
	// An expired grant is not "replaced" by the next one.
	if _, err := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Duration: time.Hour, By: dana}); err != nil {
		t.Fatal(err)
	}
	if got := eventTypes(t, s, "acme"); !slices.Equal(got, []string{"grant.created", "grant.expired", "grant.created"}) {
		t.Fatalf("events = %v", got)
	}
}

func TestRevoke(t *testing.T) {
	svc, _, s := newService(t)
	g, _ := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Duration: time.Hour, By: dana})
	by := store.Actor{ID: "admin-1", Email: "boss@acme.test", Role: "owner"}
	r, err := svc.Revoke(ctx(), "acme", g.ID, by, "done here")
	if err != nil || r.EndReason != store.EndRevoked || *r.EndedBy != by || r.EndNote != "done here" {
		t.Fatalf("Revoke = %+v, %v", r, err)
	}
	_, err = svc.Revoke(ctx(), "acme", g.ID, by, "")
	if p := problem.As(err); p.Kind != problem.Conflict || !strings.Contains(p.Message, "already ended: revoked at") {
		t.Fatalf("second revoke = %v", err)
	}
	if _, err := svc.Revoke(ctx(), "acme", "g_nope", by, ""); problem.As(err).Kind != problem.NotFound {
		t.Fatalf("revoke of a missing grant = %v", err)
	}
	if _, err := svc.RevokeActive(ctx(), "acme", by, ""); problem.As(err).Code != "no_active_grant" {
		t.Fatalf("RevokeActive with none = %v", err)
	}
	if got := eventTypes(t, s, "acme"); !slices.Equal(got, []string{"grant.created", "grant.revoked"}) {
		t.Fatalf("events = %v", got)
	}
	v, err := store.Verify(ctx(), s, "acme")
	if err != nil || !v.OK {
		t.Fatalf("chain = %+v, %v", v, err)
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name string
		req  grant.CreateRequest
		code string
	}{
		{"bad tenant", grant.CreateRequest{Tenant: "ACME", Duration: day, By: dana}, "invalid_tenant"},
		{"unknown scope", grant.CreateRequest{Tenant: "acme", Scopes: []string{"root"}, Duration: day, By: dana}, "invalid_scope"},
		{"no duration", grant.CreateRequest{Tenant: "acme", By: dana}, "invalid_duration"},
		{"negative", grant.CreateRequest{Tenant: "acme", Duration: -day, By: dana}, "invalid_duration"},
		{"too short", grant.CreateRequest{Tenant: "acme", Duration: 30 * time.Second, By: dana}, "invalid_duration"},
		{"too long", grant.CreateRequest{Tenant: "acme", Duration: 401 * day, By: dana}, "invalid_duration"},
		{"standing with duration", grant.CreateRequest{Tenant: "acme", Standing: true, Duration: day, By: dana}, "invalid_duration"},
		{"nobody", grant.CreateRequest{Tenant: "acme", Duration: day}, "invalid_actor"},
		{"note too long", grant.CreateRequest{Tenant: "acme", Duration: day, By: dana, Note: strings.Repeat("n", 501)}, "invalid_note"},
		{"note with newline", grant.CreateRequest{Tenant: "acme", Duration: day, By: dana, Note: "a\r\nb"}, "invalid_note"},
		{"bad area name", grant.CreateRequest{Tenant: "acme", Duration: day, By: dana, Areas: []string{"Planning"}}, "invalid_area"},
		{"empty area name", grant.CreateRequest{Tenant: "acme", Duration: day, By: dana, Areas: []string{""}}, "invalid_area"},
		{"actor with control", grant.CreateRequest{Tenant: "acme", Duration: day, By: store.Actor{ID: "ops:x\x1b[31m"}}, "invalid_actor_id"},
	}
	svc, _, s := newService(t)
	for _, tt := range tests {
		_, err := svc.Create(ctx(), tt.req)
		if p := problem.As(err); p.Kind != problem.Invalid || p.Code != tt.code {
			t.Errorf("%s: err = %v (code %q), want code %q", tt.name, err, p.Code, tt.code)
		}
	}
	if ts, _ := s.Tenants(ctx()); len(ts) != 0 {
		t.Fatalf("invalid requests wrote tenants %v", ts)
	}
	if h, _ := s.AuditHead(ctx(), "acme"); h.Seq != 0 {
		t.Fatalf("invalid requests wrote %d audit events", h.Seq)
	}
}

func TestStoreDownIsUnavailable(t *testing.T) {
	svc, _, s := newService(t)
	s.Close()
	_, err := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Duration: time.Hour, By: dana})
	p := problem.As(err)
	if p.Kind != problem.Unavailable || p.Code != "store_unavailable" || errors.Unwrap(err) == nil {
		t.Fatalf("Create on a closed store = %v (%+v)", err, p)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "0d", want: 0},
		{in: "36h", want: 36 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: "1.5d", bad: true},
		{in: "-1d", bad: true},
		{in: "d", bad: true},
		{in: "seven days", bad: true},
		{in: "99999999999d", bad: true},
		{in: "", bad: true},
	}
	for _, tt := range tests {
		got, err := grant.ParseDuration(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v", tt.in, got, err)
		}
	}
	if s := grant.FormatDuration(14 * 24 * time.Hour); s != "14d" {
		t.Errorf("FormatDuration(14d) = %s", s)
	}
}
