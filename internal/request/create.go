package request

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
	"github.com/lockbox-gw/lockbox/internal/words"
)

// Ask is what an agent sends to ask a tenant for access.
type Ask struct {
	Tenant string
	Agent  store.Agent
	Roles  []string
	// RoleScopes are the scopes the agent's roles can ever use; asking
	// for more is refused. Nil skips the check.
	RoleScopes []string
	Reason     string
	Ticket     string
	// Scopes asked for; ignored for an extension (it keeps the grant's).
	Scopes []string
	// Duration asked for, one of the offered lengths ("7d"); for an
	// extension, the time to add to the grant.
	Duration string
	// Areas asked for; ignored for an extension.
	Areas []string
	// Extension asks for more time on the tenant's active grant, which
	// must end within ExtensionWindow.
	Extension bool
}

// Create validates a, stores the request and audits request.created.
// An agent has at most one pending request per tenant.
func (s *Service) Create(ctx context.Context, a Ask) (Request, error) {
	r, err := s.build(ctx, a)
	if err != nil {
		return Request{}, err
	}
	if err := s.notTwice(ctx, r); err != nil {
		return Request{}, err
	}
	if err := s.insert(ctx, r); err != nil {
		return Request{}, err
	}
	if err := s.auditOnce(ctx, r, EventCreated, agentActor(r.Agent), r.CreatedAt); err != nil {
		// Unaudited, nobody would be told of it, yet it would block the
		// agent from asking again: take it back.
		return Request{}, errors.Join(err, s.remove(ctx, r))
	}
	return r, nil
}

// build checks a and returns the request it makes.
func (s *Service) build(ctx context.Context, a Ask) (Request, error) {
	if err := tenant.Validate(a.Tenant); err != nil {
		return Request{}, err
	}
	if strings.TrimSpace(a.Agent.Subject) == "" || a.Agent.Issuer == "" {
		return Request{}, problem.New(problem.Invalid, "invalid_agent", "the asking agent is unknown")
	}
	reason, err := Text("reason", a.Reason, MaxReason, true)
	if err != nil {
		return Request{}, err
	}
	ticket, err := Text("ticket", a.Ticket, MaxTicket, false)
	if err != nil {
		return Request{}, err
	}
	d, err := s.duration(a.Duration)
	if err != nil {
		return Request{}, err
	}
	now := s.Now()
	r := Request{
		ID: newID(), Tenant: a.Tenant, Agent: a.Agent, Roles: a.Roles, Reason: reason, Ticket: ticket,
		Duration: grant.FormatDuration(d), Needed: s.cfg.Needed, Approvals: []Approval{},
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.TTL), State: Pending,
	}
	if a.Extension {
		return s.extension(ctx, r)
	}
	if r.Scopes, err = scope.Parse(a.Scopes...); err != nil {
		return Request{}, err
	}
	if a.RoleScopes != nil && !contains(a.RoleScopes, r.Scopes) {
		return Request{}, problem.New(problem.Forbidden, "scope_not_allowed",
			"your support role can use only %s; ask for no more", strings.Join(a.RoleScopes, ", "))
	}
	if r.Areas, err = grant.CanonicalAreas(a.Areas); err != nil {
		return Request{}, err
	}
	if err := grant.CheckAreas(r.Areas, s.cfg.Areas, nil); err != nil {
		return Request{}, err
	}
	return r, nil
}

// extension fills in r as more time on the tenant's active grant.
func (s *Service) extension(ctx context.Context, r Request) (Request, error) {
	g, err := s.grants.Current(ctx, r.Tenant)
	if problem.As(err).Code == "no_active_grant" {
		return Request{}, problem.New(problem.Conflict, "no_grant_to_extend", "tenant %s has no active grant to extend; ask for access instead", r.Tenant)
	}
	if err != nil {
		return Request{}, err
	}
	if g.Standing() {
		return Request{}, problem.New(problem.Conflict, "grant_standing", "tenant %s's grant is standing; it needs no more time", r.Tenant)
	}
	if left := g.ExpiresAt.Sub(r.CreatedAt); left > ExtensionWindow {
		return Request{}, problem.New(problem.Conflict, "extension_too_early",
			"tenant %s's grant runs until %s; ask for more time within a day of its end", r.Tenant, g.ExpiresAt.Format(time.RFC1123))
	}
	r.Extension, r.Grant, r.Scopes, r.Areas = true, g.ID, g.Scopes, g.Areas
	return r, nil
}

// duration is a length an agent may ask for.
func (s *Service) duration(v string) (time.Duration, error) {
	if v == "" {
		return 0, problem.New(problem.Invalid, "invalid_duration", "say how long access is needed (%s)", strings.Join(s.Choices(), ", "))
	}
	d, err := grant.ParseDuration(v)
	if err != nil || !slices.Contains(s.cfg.Durations, d) {
		return 0, problem.New(problem.Invalid, "invalid_duration", "duration %q is not offered; choose %s", problem.Clip(v, 40), strings.Join(s.Choices(), ", "))
	}
	return d, nil
}

// notTwice refuses a second pending request of the agent to the tenant.
func (s *Service) notTwice(ctx context.Context, r Request) error {
	mine, err := s.ForAgent(ctx, r.Agent, maxPerAgent)
	if err != nil {
		return err
	}
	for _, m := range mine {
		if m.Tenant == r.Tenant && m.Pending(r.CreatedAt) {
			return problem.New(problem.Conflict, "request_pending",
				"you already asked tenant %s for access (request %s); wait for the answer", r.Tenant, m.ID)
		}
	}
	return nil
}

// Text checks free text a person typed: trimmed, one line, no control
// characters, at most max characters; required refuses it empty.
func Text(field, v string, max int, required bool) (string, error) {
	v = strings.TrimSpace(v)
	code := "invalid_" + field
	switch n := len([]rune(v)); {
	case required && n == 0:
		return "", problem.New(problem.Invalid, code, "a %s is required", field)
	case n > max:
		return "", problem.New(problem.Invalid, code, "the %s is too long (%d characters, at most %d)", field, n, max)
	case strings.IndexFunc(v, words.Unprintable) >= 0:
		return "", problem.New(problem.Invalid, code, "the %s must be one line, without control characters, line separators or direction overrides", field)
	}
	return v, nil
}

// agentActor names the agent in the audit trail.
func agentActor(a store.Agent) *store.Actor {
	return &store.Actor{ID: a.Subject, Email: a.Email}
}
