package admins_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

var app = store.Actor{ID: "app"}

func newRegistry(t *testing.T) (*admins.Registry, store.Store) {
	t.Helper()
	s := testkit.Bolt(t)
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	return admins.New(s, func() time.Time { return at }), s
}

// ctx is a context for one call of the test.
var ctx = testkit.Context

func ana() admins.Admin {
	return admins.Admin{ID: "u_1", Email: "ana@acme.test", Name: "Ana", Role: "owner"}
}

func events(t *testing.T, s store.Store, tenant string) []store.Event {
	t.Helper()
	es, err := s.Events(ctx(t), tenant, store.EventQuery{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestGetOfNewTenantIsEmpty(t *testing.T) {
	r, _ := newRegistry(t)
	list, err := r.Get(ctx(t), "acme")
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("Get = %#v, %v; want an empty list", list, err)
	}
}

func TestSetReplacesTheWholeList(t *testing.T) {
	r, _ := newRegistry(t)
	bob := admins.Admin{ID: "u_2", Email: "bob@acme.test", Role: "admin"}
	if _, err := r.Set(ctx(t), "acme", []admins.Admin{ana(), bob}, app); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Set(ctx(t), "acme", []admins.Admin{bob}, app); err != nil {
		t.Fatal(err)
	}
	list, err := r.Get(ctx(t), "acme")
	if err != nil || !slices.Equal(list, []admins.Admin{bob}) {
		t.Fatalf("Get = %+v, %v", list, err)
	}
	if _, err := r.Find(ctx(t), "acme", "u_1"); problem.As(err).Code != "admin_not_found" {
		t.Fatalf("Find of a removed admin = %v", err)
	}
	if a, err := r.Find(ctx(t), "acme", "u_2"); err != nil || a != bob {
		t.Fatalf("Find = %+v, %v", a, err)
	}
	if list, _ := r.Get(ctx(t), "globex"); len(list) != 0 {
		t.Fatalf("another tenant sees %+v", list)
	}
}

func TestTextIsStoredAsGiven(t *testing.T) {
	r, _ := newRegistry(t)
	a := admins.Admin{ID: `<b id="x">`, Email: "ana@acme.test", Name: `<script>alert("hi")</script> & Ünïcode`, Role: "owner & co"}
	if _, err := r.Set(ctx(t), "acme", []admins.Admin{a}, app); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Find(ctx(t), "acme", a.ID); err != nil || got != a {
		t.Fatalf("Find = %+v, %v; want it as given", got, err)
	}
}

func TestSetAuditsChangesOnly(t *testing.T) {
	r, s := newRegistry(t)
	for range 2 {
		if _, err := r.Set(ctx(t), "acme", []admins.Admin{ana()}, app); err != nil {
			t.Fatal(err)
		}
	}
	es := events(t, s, "acme")
	if len(es) != 1 || es[0].Type != admins.EventUpdated || es[0].Actor.ID != "app" {
		t.Fatalf("events = %+v; want one admins.updated by app", es)
	}
	want := `{"admins":[{"id":"u_1","email":"ana@acme.test","role":"owner"}]}` // as encoded, in field order
	if string(es[0].Data) != want {
		t.Fatalf("event data %s, want %s (no names)", es[0].Data, want)
	}
	if _, err := r.Set(ctx(t), "acme", nil, app); err != nil {
		t.Fatal(err)
	}
	es = events(t, s, "acme")
	if len(es) != 2 || string(es[1].Data) != `{"admins":[]}` {
		t.Fatalf("clearing: events %+v", es)
	}
	if v, err := store.Verify(ctx(t), s, "acme"); err != nil || !v.OK {
		t.Fatalf("chain = %+v, %v", v, err)
	}
}

func TestInvalidListsWriteNothing(t *testing.T) {
	many := make([]admins.Admin, admins.MaxAdmins+1)
	for i := range many {
		many[i] = admins.Admin{ID: fmt.Sprint("u_", i), Email: fmt.Sprintf("a%d@acme.test", i), Role: "owner"}
	}
	with := func(f func(*admins.Admin)) []admins.Admin {
		a := ana()
		f(&a)
		return []admins.Admin{a}
	}
	tests := []struct {
		name     string
		list     []admins.Admin
		contains string
	}{
		{"empty id", with(func(a *admins.Admin) { a.ID = "" }), "id is required"},
		{"blank id", with(func(a *admins.Admin) { a.ID = "  " }), "id is required"},
		{"long id", with(func(a *admins.Admin) { a.ID = strings.Repeat("x", admins.MaxID+1) }), "id is too long"},
		{"id with newline", with(func(a *admins.Admin) { a.ID = "u\n1" }), "control characters"},
		{"operator id", with(func(a *admins.Admin) { a.ID = "ops:dana" }), "namespace"},
		{"agent id", with(func(a *admins.Admin) { a.ID = "agent:bob" }), "namespace"},
		{"app id", with(func(a *admins.Admin) { a.ID = "app" }), "namespace"},
		{"no email", with(func(a *admins.Admin) { a.Email = "" }), "email is required"},
		{"not an email", with(func(a *admins.Admin) { a.Email = "ana" }), "not a bare address"},
		{"display name", with(func(a *admins.Admin) { a.Email = "Ana <ana@acme.test>" }), "not a bare address"},
		{"padded email", with(func(a *admins.Admin) { a.Email = " ana@acme.test" }), "not a bare address"},
		{"two emails", with(func(a *admins.Admin) { a.Email = "ana@acme.test, bob@acme.test" }), "not a bare address"},
		{"long name", with(func(a *admins.Admin) { a.Name = strings.Repeat("n", admins.MaxName+1) }), "name is too long"},
		{"name with escape", with(func(a *admins.Admin) { a.Name = "Ana\x1b[31m" }), "control characters"},
		{"no role", with(func(a *admins.Admin) { a.Role = "" }), "role is required"},
		{"duplicate", []admins.Admin{ana(), ana()}, "listed twice"},
		{"too many", many, "at most 200"},
	}
	r, s := newRegistry(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Set(ctx(t), "acme", tt.list, app)
			p := problem.As(err)
			if p.Kind != problem.Invalid || p.Code != "invalid_admins" || !strings.Contains(p.Message, tt.contains) {
				t.Fatalf("Set = %v (%s), want invalid_admins containing %q", err, p.Code, tt.contains)
			}
		})
	}
	if list, _ := r.Get(ctx(t), "acme"); len(list) != 0 {
		t.Fatalf("invalid lists stored %+v", list)
	}
	if es := events(t, s, "acme"); len(es) != 0 {
		t.Fatalf("invalid lists audited %+v", es)
	}
}

func TestSetRefusesBadTenantAndActor(t *testing.T) {
	r, _ := newRegistry(t)
	if _, err := r.Set(ctx(t), "ACME", nil, app); problem.As(err).Code != "invalid_tenant" {
		t.Fatalf("bad tenant: %v", err)
	}
	if _, err := r.Set(ctx(t), "acme", nil, store.Actor{}); problem.As(err).Code != "invalid_actor" {
		t.Fatalf("no actor: %v", err)
	}
	if _, err := r.Find(ctx(t), "../x", "u_1"); problem.As(err).Code != "invalid_tenant" {
		t.Fatalf("Find with a bad tenant: %v", err)
	}
}

// TestConcurrentSetsAllLand runs writers of different lists at once,
// through two instances sharing one Redis: every one lands, each with one
// event, and the audit trail ends with the list that is stored.
func TestConcurrentSetsAllLand(t *testing.T) {
	srv, s := testkit.NewRedis(t)
	regs := []*admins.Registry{admins.New(s, nil), admins.New(testkit.Redis(t, srv.URL()), nil)}
	const writers = 16
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Go(func() {
				a := admins.Admin{ID: fmt.Sprintf("u_%d_%d", round, i), Email: "x@acme.test", Role: "owner"}
				_, err := regs[i%2].Set(ctx(t), "acme", []admins.Admin{a}, app)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		list, _ := regs[0].Get(ctx(t), "acme")
		es := events(t, s, "acme")
		if len(es) != (round+1)*writers {
			t.Fatalf("round %d: %d events for %d changes", round, len(es), (round+1)*writers)
		}
		var last struct{ Admins []admins.Admin }
		if err := json.Unmarshal(es[len(es)-1].Data, &last); err != nil || len(list) != 1 || last.Admins[0].ID != list[0].ID {
			t.Fatalf("round %d: stored %+v, last event %s", round, list, es[len(es)-1].Data)
		}
	}
}

func TestStoreDownIsUnavailable(t *testing.T) {
	r, s := newRegistry(t)
	_ = s.Close()
	_, err := r.Set(ctx(t), "acme", []admins.Admin{ana()}, app)
	if p := problem.As(err); p.Code != "store_unavailable" || errors.Unwrap(err) == nil {
		t.Fatalf("Set on a closed store = %v", err)
	}
	if _, err := r.Find(ctx(t), "acme", "u_1"); problem.As(err).Code != "store_unavailable" {
		t.Fatalf("Find on a closed store = %v", err)
	}
}
