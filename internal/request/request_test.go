package request_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func code(err error) string { return problem.As(err).Code }

func TestAskValidation(t *testing.T) {
	e := newEnv(t, openBolt(t), nil, request.Config{})
	long := strings.Repeat("x", request.MaxReason+1)
	for name, a := range map[string]request.Ask{
		"no reason":         {Tenant: "acme", Agent: agent, Reason: "  ", Duration: "1d"},
		"long reason":       {Tenant: "acme", Agent: agent, Reason: long, Duration: "1d"},
		"control in reason": {Tenant: "acme", Agent: agent, Reason: "line\nbreak", Duration: "1d"},
		"bad tenant":        {Tenant: "../acme", Agent: agent, Reason: "x", Duration: "1d"},
		"unoffered length":  {Tenant: "acme", Agent: agent, Reason: "x", Duration: "3d"},
		"no duration":       {Tenant: "acme", Agent: agent, Reason: "x"},
		"bad scope":         {Tenant: "acme", Agent: agent, Reason: "x", Duration: "1d", Scopes: []string{"root"}},
		"beyond role":       {Tenant: "acme", Agent: agent, Reason: "x", Duration: "1d", Scopes: []string{"write"}, RoleScopes: []string{"read"}},
		"unknown area":      {Tenant: "acme", Agent: agent, Reason: "x", Duration: "1d", Areas: []string{"secrets"}},
		"no agent":          {Tenant: "acme", Reason: "x", Duration: "1d"},
		"ticket control":    {Tenant: "acme", Agent: agent, Reason: "x", Duration: "1d", Ticket: "T-1\x00"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.svc.Create(ctx(), a)
			if err == nil || problem.Status(err) >= 500 {
				t.Fatalf("Create = %v, want a clear refusal", err)
			}
		})
	}
	if types := eventTypes(t, e.st, "acme"); len(types) != 0 {
		t.Fatalf("refused requests audited %v", types)
	}
}

func TestApproveCreatesNarrowedGrant(t *testing.T) {
	backends(t, func(t *testing.T, open func(*testing.T) store.Store) {
		e := newEnv(t, open(t), nil, request.Config{})
		r := e.ask(t, request.Ask{Scopes: []string{"write", "pii"}, Duration: "7d", Ticket: "T-42", Areas: []string{"planning", "billing"}})
		if r.State != request.Pending || !slices.Equal(r.Scopes, []string{"read", "write", "pii"}) || r.Needed != 1 {
			t.Fatalf("created %+v", r)
		}
		got, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: owner, Scopes: []string{"read", "write"}, Duration: "1d", Areas: []string{"planning"}})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != request.Approved || got.Granted == "" || got.DecidedBy == nil || got.DecidedBy.ID != owner.ID {
			t.Fatalf("approved %+v", got)
		}
		g, err := e.grants.Current(ctx(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		if g.ID != got.Granted || !slices.Equal(g.Scopes, []string{"read", "write"}) || !slices.Equal(g.Areas, []string{"planning"}) ||
			!g.ExpiresAt.Equal(e.clock.Now().Add(24*time.Hour)) || g.CreatedBy != owner || !strings.Contains(g.Note, "T-42") {
			t.Fatalf("grant %+v", g)
		}
		want := []string{request.EventCreated, "grant.created", request.EventApproved}
		if types := eventTypes(t, e.st, "acme"); !slices.Equal(types, want) {
			t.Fatalf("audit %v, want %v", types, want)
		}
		if _, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: second}); code(err) != "request_approved" {
			t.Fatalf("approving again: %v", err)
		}
	})
}

func TestApprovalMayNotWiden(t *testing.T) {
	e := newEnv(t, openBolt(t), nil, request.Config{})
	r := e.ask(t, request.Ask{Scopes: []string{"read"}, Duration: "1d", Areas: []string{"planning"}})
	for name, d := range map[string]request.Decision{
		"scope":        {By: owner, Scopes: []string{"write"}},
		"duration":     {By: owner, Duration: "7d"},
		"area":         {By: owner, Areas: []string{"billing"}},
		"whole app":    {By: owner, Areas: []string{}},
		"link's areas": {By: owner, AllowedAreas: []string{"billing"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := e.svc.Approve(ctx(), "acme", r.ID, d); err == nil {
				t.Fatal("widening approval accepted")
			}
		})
	}
	if g, _ := e.grants.CurrentOrNil(ctx(), "acme"); g != nil {
		t.Fatalf("a refused approval granted %+v", g)
	}
}

func TestTwoOfN(t *testing.T) {
	backends(t, func(t *testing.T, open func(*testing.T) store.Store) {
		e := newEnv(t, open(t), nil, request.Config{Needed: 2})
		r := e.ask(t, request.Ask{Scopes: []string{"write"}, Duration: "7d"})
		one, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: owner, Duration: "1d"})
		if err != nil || one.State != request.Pending || len(one.Approvals) != 1 {
			t.Fatalf("first approval: %+v, %v", one, err)
		}
		if g, _ := e.grants.CurrentOrNil(ctx(), "acme"); g != nil {
			t.Fatalf("one of two approvals granted %+v", g)
		}
		if _, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: owner}); code(err) != "already_approved" {
			t.Fatalf("same admin twice: %v", err)
		}
		two, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: second, Scopes: []string{"read"}})
		if err != nil || two.State != request.Approved {
			t.Fatalf("second approval: %+v, %v", two, err)
		}
		g, err := e.grants.Current(ctx(), "acme")
		if err != nil || !slices.Equal(g.Scopes, []string{"read"}) || !g.ExpiresAt.Equal(e.clock.Now().Add(24*time.Hour)) {
			t.Fatalf("grant %+v, %v: want the narrowest of both approvals", g, err)
		}
		want := []string{request.EventCreated, request.EventApproval, "grant.created", request.EventApproved}
		if types := eventTypes(t, e.st, "acme"); !slices.Equal(types, want) {
			t.Fatalf("audit %v, want %v", types, want)
		}
	})
}

func TestOwnRequestNeverApproved(t *testing.T) {
	e := newEnv(t, openBolt(t), nil, request.Config{})
	r := e.ask(t, request.Ask{})
	for name, by := range map[string]store.Actor{
		"same email other case": {ID: "adm-9", Email: " sam@VENDOR.test", Role: "owner"},
		"same subject":          {ID: agent.Subject, Email: "other@acme.test", Role: "owner"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: by}); code(err) != "own_request" || problem.Status(err) != 403 {
				t.Fatalf("self-approval: %v", err)
			}
		})
	}
	if g, _ := e.grants.CurrentOrNil(ctx(), "acme"); g != nil {
		t.Fatalf("self-approval granted %+v", g)
	}
}

func TestDenyAndOtherTenant(t *testing.T) {
	e := newEnv(t, openBolt(t), nil, request.Config{})
	r := e.ask(t, request.Ask{})
	if _, err := e.svc.Approve(ctx(), "globex", r.ID, request.Decision{By: owner}); code(err) != "request_not_found" {
		t.Fatalf("approving acme's request as globex: %v", err)
	}
	if _, err := e.svc.Deny(ctx(), "acme", r.ID, request.Decision{By: owner, Message: "bad\x07"}); err == nil {
		t.Fatal("control characters in the message accepted")
	}
	got, err := e.svc.Deny(ctx(), "acme", r.ID, request.Decision{By: owner, Message: " Use the sandbox tenant. "})
	if err != nil || got.State != request.Denied || got.Message != "Use the sandbox tenant." {
		t.Fatalf("deny: %+v, %v", got, err)
	}
	if _, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: second}); code(err) != "request_denied" {
		t.Fatalf("approving a denied request: %v", err)
	}
	mine, err := e.svc.ForAgent(ctx(), agent, 0)
	if err != nil || len(mine) != 1 || mine[0].State != request.Denied || mine[0].Message != "Use the sandbox tenant." {
		t.Fatalf("agent's view %+v, %v", mine, err)
	}
	// Having been answered, the agent may ask again.
	e.ask(t, request.Ask{})
}

func TestOnePendingPerTenant(t *testing.T) {
	e := newEnv(t, openBolt(t), nil, request.Config{})
	e.ask(t, request.Ask{})
	if _, err := e.svc.Create(ctx(), request.Ask{Tenant: "acme", Agent: agent, Reason: "again", Duration: "1d"}); code(err) != "request_pending" {
		t.Fatalf("second pending request: %v", err)
	}
	e.ask(t, request.Ask{Tenant: "globex"})
	list, err := e.svc.List(ctx(), "acme", request.Filter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("acme's list %+v, %v", list, err)
	}
}

func TestExpiry(t *testing.T) {
	backends(t, func(t *testing.T, open func(*testing.T) store.Store) {
		st := open(t)
		e := newEnv(t, st, nil, request.Config{TTL: time.Hour})
		other := newEnv(t, st, e.clock, request.Config{TTL: time.Hour}) // a second instance
		r := e.ask(t, request.Ask{})
		e.clock.Add(time.Hour)
		if got, err := other.svc.Get(ctx(), r.ID); err != nil || got.State != request.Expired || !got.DecidedAt.Equal(r.ExpiresAt) {
			t.Fatalf("past due: %+v, %v", got, err)
		}
		if n, err := e.svc.ExpireDue(ctx()); err != nil || n != 0 {
			t.Fatalf("ExpireDue after it was seen: %d, %v", n, err)
		}
		if _, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: owner}); code(err) != "request_expired" {
			t.Fatalf("approving an expired request: %v", err)
		}
		want := []string{request.EventCreated, request.EventExpired}
		if types := eventTypes(t, st, "acme"); !slices.Equal(types, want) {
			t.Fatalf("audit %v, want %v (expiry recorded once)", types, want)
		}
	})
}

func TestExpireDueSweeps(t *testing.T) {
	e := newEnv(t, openBolt(t), nil, request.Config{TTL: time.Hour})
	a := e.ask(t, request.Ask{})
	e.clock.Add(30 * time.Minute)
	b := e.ask(t, request.Ask{Tenant: "globex"})
	e.clock.Add(40 * time.Minute)
	if n, err := e.svc.ExpireDue(ctx()); err != nil || n != 1 {
		t.Fatalf("ExpireDue = %d, %v; want the first request only", n, err)
	}
	if got, _ := e.svc.Get(ctx(), a.ID); got.State != request.Expired {
		t.Fatalf("first %+v", got)
	}
	if got, _ := e.svc.Get(ctx(), b.ID); got.State != request.Pending {
		t.Fatalf("second %+v", got)
	}
}

func TestExtension(t *testing.T) {
	backends(t, func(t *testing.T, open func(*testing.T) store.Store) {
		e := newEnv(t, open(t), nil, request.Config{})
		if _, err := e.svc.Create(ctx(), request.Ask{Tenant: "acme", Agent: agent, Reason: "more", Duration: "1d", Extension: true}); code(err) != "no_grant_to_extend" {
			t.Fatalf("extension without a grant: %v", err)
		}
		r := e.ask(t, request.Ask{Scopes: []string{"write"}, Duration: "7d"})
		if _, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: owner}); err != nil {
			t.Fatal(err)
		}
		g, _ := e.grants.Current(ctx(), "acme")
		if _, err := e.svc.Create(ctx(), request.Ask{Tenant: "acme", Agent: agent, Reason: "more", Duration: "1d", Extension: true}); code(err) != "extension_too_early" {
			t.Fatalf("extension a week early: %v", err)
		}
		e.clock.Add(6*24*time.Hour + time.Hour) // 23h left
		ext := e.ask(t, request.Ask{Duration: "1d", Extension: true, Scopes: []string{"pii"}})
		if !ext.Extension || ext.Grant != g.ID || !slices.Equal(ext.Scopes, g.Scopes) {
			t.Fatalf("extension request %+v: want the grant's own scopes", ext)
		}
		if _, err := e.svc.Approve(ctx(), "acme", ext.ID, request.Decision{By: owner, Scopes: []string{"read"}}); code(err) != "extension_keeps_scope" {
			t.Fatalf("narrowing an extension: %v", err)
		}
		done, err := e.svc.Approve(ctx(), "acme", ext.ID, request.Decision{By: owner})
		if err != nil || done.Granted != g.ID {
			t.Fatalf("approved extension %+v, %v", done, err)
		}
		after, err := e.grants.Current(ctx(), "acme")
		if err != nil || after.ID != g.ID || !after.ExpiresAt.Equal(g.ExpiresAt.Add(24*time.Hour)) || len(after.Extensions) != 1 || after.Extensions[0].Request != ext.ID {
			t.Fatalf("grant after extension %+v, %v", after, err)
		}
		want := []string{request.EventCreated, "grant.created", request.EventApproved, request.EventCreated, "grant.extended", request.EventApproved}
		if types := eventTypes(t, e.st, "acme"); !slices.Equal(types, want) {
			t.Fatalf("audit %v, want %v", types, want)
		}
	})
}

func TestRevokedGrantIsNotExtended(t *testing.T) {
	e := newEnv(t, openBolt(t), nil, request.Config{})
	g, err := e.grants.Create(ctx(), grantReq("1d"))
	if err != nil {
		t.Fatal(err)
	}
	ext := e.ask(t, request.Ask{Duration: "1d", Extension: true})
	if _, err := e.grants.Revoke(ctx(), "acme", g.ID, owner, "done"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(ctx(), "acme", ext.ID, request.Decision{By: owner}); code(err) != "grant_ended" {
		t.Fatalf("extending a revoked grant: %v", err)
	}
	// The failed approval is taken back: the request can still be denied.
	if got, err := e.svc.Deny(ctx(), "acme", ext.ID, request.Decision{By: owner}); err != nil || got.State != request.Denied {
		t.Fatalf("deny after the failed approval: %+v, %v", got, err)
	}
}

func TestRacingApprovalsGrantOnce(t *testing.T) {
	backends(t, func(t *testing.T, open func(*testing.T) store.Store) {
		st := open(t)
		e := newEnv(t, st, nil, request.Config{})
		r := e.ask(t, request.Ask{})
		admins := []store.Actor{owner, second, {ID: "adm-3", Email: "c@acme.test"}, {ID: "adm-4", Email: "d@acme.test"}}
		var wins atomic.Int64
		var wg sync.WaitGroup
		for _, a := range admins {
			wg.Go(func() {
				_, err := e.svc.Approve(ctx(), "acme", r.ID, request.Decision{By: a})
				switch {
				case err == nil:
					wins.Add(1)
				case problem.As(err).Kind != problem.Conflict:
					t.Errorf("racing approval: %v", err)
				}
			})
		}
		wg.Wait()
		hist, _, err := e.grants.History(ctx(), "acme", store.Page{})
		if wins.Load() != 1 || err != nil || len(hist) != 1 {
			t.Fatalf("%d approvals won, %d grants (%v); want exactly one", wins.Load(), len(hist), err)
		}
	})
}

func TestListFiltersByStateBeforeTheLimit(t *testing.T) {
	e := newEnv(t, openBolt(t), nil, request.Config{})
	old := e.ask(t, request.Ask{})
	if _, err := e.svc.Deny(ctx(), "acme", old.ID, request.Decision{By: owner}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"agent-2", "agent-3"} {
		e.ask(t, request.Ask{Agent: store.Agent{Subject: who, Issuer: agent.Issuer}})
	}
	denied, err := e.svc.List(ctx(), "acme", request.Filter{State: request.Denied, Limit: 1})
	if err != nil || len(denied) != 1 || denied[0].ID != old.ID {
		t.Fatalf("denied, limit 1: %+v, %v; want the oldest request, past two newer pending ones", denied, err)
	}
	if pending, _ := e.svc.List(ctx(), "acme", request.Filter{State: request.Pending}); len(pending) != 2 {
		t.Fatalf("pending: %+v", pending)
	}
	if _, err := e.svc.List(ctx(), "acme", request.Filter{State: "open"}); code(err) != "invalid_state" {
		t.Fatalf("unknown state: %v", err)
	}
}

// failingAudit is a real store whose audit appends fail, as when the
// store goes away between two writes.
type failingAudit struct{ store.Store }

func (failingAudit) AppendEvents(context.Context, string, ...store.Event) ([]store.Event, error) {
	return nil, errors.New("store went away")
}

func TestUnauditedRequestIsTakenBack(t *testing.T) {
	st := openBolt(t)
	broken := newEnv(t, failingAudit{st}, nil, request.Config{})
	if _, err := broken.svc.Create(ctx(), request.Ask{Tenant: "acme", Agent: agent, Reason: "x", Duration: "1d"}); problem.Status(err) != 503 {
		t.Fatalf("Create with the audit failing: %v, want a 503 problem", err)
	}
	e := newEnv(t, st, nil, request.Config{})
	if list, err := e.svc.List(ctx(), "acme", request.Filter{}); err != nil || len(list) != 0 {
		t.Fatalf("the unaudited request is listed: %+v, %v", list, err)
	}
	// Nothing blocks the agent from asking again once the store is back.
	e.ask(t, request.Ask{})
}
