package metrics_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lockbox-gw/lockbox/internal/metrics"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestNilRecordsNothing(t *testing.T) {
	var m *metrics.Metrics
	s := m.Site("x")
	s.Allowed()
	s.Refused(metrics.Denied, "read_only")
	s.Login("success")
	if err := m.Register(prometheus.NewPedanticRegistry()); err != nil {
		t.Fatal(err)
	}
	if st := testkit.Bolt(t); m.AuditStore(st) != st {
		t.Fatal("a nil Metrics wrapped the audit store")
	}
}

func TestRegisterTwiceAndInTwoRegistries(t *testing.T) {
	m := metrics.New()
	for range 2 {
		reg := prometheus.NewPedanticRegistry()
		for range 2 {
			if err := m.Register(reg); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := reg.Gather(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStoreCountsEventsAndFailures runs a real bolt store through the
// wrapper: appended grant and request events are counted by kind, other
// events are not, a missing record is no error and a closed store is.
func TestStoreCountsEventsAndFailures(t *testing.T) {
	m := metrics.New()
	reg := prometheus.NewPedanticRegistry()
	if err := m.Register(reg); err != nil {
		t.Fatal(err)
	}
	st := m.Instrument(testkit.Bolt(t), "bolt")
	ctx := context.Background()
	now := time.Now()
	if _, err := st.AppendEvents(ctx, "acme",
		store.Event{Type: "grant.created", Time: now}, store.Event{Type: "request.approved", Time: now},
		store.Event{Type: "http.request", Time: now}, store.Event{Type: "grant.bogus", Time: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetRecord(ctx, "k", "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	_ = st.Close()
	if _, err := st.GetRecord(ctx, "k", "x"); err == nil {
		t.Fatal("a closed store answered")
	}
	for _, tt := range []struct {
		name   string
		labels []string
		n      float64
	}{
		{"lockbox_grants_total", []string{"created"}, 1},
		{"lockbox_grants_total", []string{"revoked"}, 0},
		{"lockbox_access_requests_total", []string{"approved"}, 1},
	} {
		fams, _ := reg.Gather()
		got := -1.0
		for _, f := range fams {
			if f.GetName() != tt.name {
				continue
			}
			for _, mm := range f.Metric {
				if mm.Label[0].GetValue() == tt.labels[0] {
					got = mm.Counter.GetValue()
				}
			}
		}
		if got != tt.n {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.n)
		}
	}
	errs, _ := reg.Gather()
	for _, f := range errs {
		if f.GetName() != "lockbox_store_errors_total" {
			continue
		}
		for _, mm := range f.Metric {
			op := ""
			for _, l := range mm.Label {
				if l.GetName() == "operation" {
					op = l.GetValue()
				}
			}
			if v := mm.Counter.GetValue(); (op == "GetRecord") != (v == 1) || v > 1 {
				t.Errorf("store errors of %s: %v", op, v)
			}
		}
	}
}

// TestOpenSessions counts what is open now: not ended, not past its end.
func TestOpenSessions(t *testing.T) {
	st := testkit.Bolt(t)
	ctx := context.Background()
	now := time.Now().UTC()
	g := store.Grant{ID: "g_1", Tenant: "acme", Scopes: []string{"read"}, CreatedAt: now.Add(-time.Hour)}
	if _, err := st.PutGrant(ctx, g); err != nil {
		t.Fatal(err)
	}
	for i, s := range []store.Session{
		{ID: "s_open", StartedAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)},
		{ID: "s_due", StartedAt: now.Add(-2 * time.Hour), EndsAt: now.Add(-time.Minute)},
		{ID: "s_ended", StartedAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)},
	} {
		s.Tenant, s.Grant, s.LastSeen = "acme", g.ID, s.StartedAt
		s.Agent = store.Agent{Subject: "bob", Issuer: "https://idp"}
		if err := st.PutSession(ctx, s); err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
	}
	if _, err := st.EndSession(ctx, "acme", "s_ended", now, store.SessionExit); err != nil {
		t.Fatal(err)
	}
	n, err := metrics.OpenSessions(ctx, st, now, now.Add(-8*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("open sessions %d, %v; want 1", n, err)
	}
}
