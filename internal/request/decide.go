package request

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Approve records d.By's approval of request id of the tenant. The
// approval that makes Needed creates the grant (or, for an extension,
// extends it) and audits request.approved; earlier ones audit
// request.approval. The agent who asked never approves, nor does one
// admin twice.
func (s *Service) Approve(ctx context.Context, tenantID, id string, d Decision) (Request, error) {
	for range swapAttempts {
		r, raw, err := s.decidable(ctx, tenantID, id, d.By)
		if err != nil {
			return Request{}, err
		}
		ap, err := s.approval(r, d)
		if err != nil {
			return Request{}, err
		}
		next := r
		next.Approvals = append(slices.Clone(r.Approvals), ap)
		final := len(next.Approvals) >= r.Needed
		if final {
			next.State, next.DecidedAt, next.DecidedBy = Approved, &ap.At, &ap.By
		}
		err = s.swap(ctx, raw, next)
		if errors.Is(err, errRaced) {
			continue
		}
		if err != nil {
			return Request{}, err
		}
		if !final {
			return next, s.audit(ctx, next, EventApproval, &ap.By, ap.At, "")
		}
		return s.grantFor(ctx, r, next)
	}
	return Request{}, busy(id)
}

// grantFor creates or extends the grant of a request just approved; if
// that fails, the approval is taken back so the request can be approved
// again.
func (s *Service) grantFor(ctx context.Context, before, r Request) (Request, error) {
	g, err := s.applyGrant(ctx, r)
	if err != nil {
		if undoErr := s.undo(ctx, before, r); undoErr != nil {
			return Request{}, errors.Join(err, undoErr)
		}
		return Request{}, err
	}
	approved := r
	approved.Granted = g.ID
	if err := s.replace(ctx, r, approved); err != nil {
		return Request{}, err
	}
	return approved, s.audit(ctx, approved, EventApproved, approved.DecidedBy, *approved.DecidedAt, g.ID)
}

// applyGrant makes the grant the approvals agreed on.
func (s *Service) applyGrant(ctx context.Context, r Request) (store.Grant, error) {
	scopes, d, areas := outcome(r)
	by := *r.DecidedBy
	if r.Extension {
		return s.grants.Extend(ctx, r.Tenant, r.Grant, by, d, r.ID)
	}
	return s.grants.Create(ctx, grant.CreateRequest{
		Tenant: r.Tenant, Scopes: scopes, Duration: d, By: by, Areas: areas,
		Note: noteOf(r),
	})
}

// noteOf is the note of the grant a request creates.
func noteOf(r Request) string {
	note := "Access request " + r.ID
	if r.Ticket != "" {
		note += " (ticket " + r.Ticket + ")"
	}
	return problem.Clip(note+": "+r.Reason, grant.MaxNote)
}

// undo puts back the request as it was before an approval whose grant
// could not be made.
func (s *Service) undo(ctx context.Context, before, after Request) error {
	return s.replace(ctx, after, before)
}

// replace swaps a request this call wrote for another version of it.
func (s *Service) replace(ctx context.Context, cur, next Request) error {
	_, raw, err := s.load(ctx, cur.ID)
	if err != nil {
		return err
	}
	return s.swap(ctx, raw, next)
}

// Deny ends request id of the tenant as denied by d.By with d.Message.
func (s *Service) Deny(ctx context.Context, tenantID, id string, d Decision) (Request, error) {
	msg, err := Text("message", d.Message, MaxMessage, false)
	if err != nil {
		return Request{}, err
	}
	for range swapAttempts {
		r, raw, err := s.decidable(ctx, tenantID, id, d.By)
		if err != nil {
			return Request{}, err
		}
		now := s.Now()
		next := r
		next.State, next.DecidedAt, next.DecidedBy, next.Message = Denied, &now, &d.By, msg
		err = s.swap(ctx, raw, next)
		if errors.Is(err, errRaced) {
			continue
		}
		if err != nil {
			return Request{}, err
		}
		return next, s.audit(ctx, next, EventDenied, &d.By, now, "")
	}
	return Request{}, busy(id)
}

// decidable reads a request an admin may decide now: the tenant's, still
// pending, not the admin's own, not approved by them already.
func (s *Service) decidable(ctx context.Context, tenantID, id string, by store.Actor) (Request, []byte, error) {
	if strings.TrimSpace(by.ID) == "" {
		return Request{}, nil, problem.New(problem.Invalid, "invalid_actor", "say which admin decides")
	}
	r, raw, err := s.load(ctx, id)
	if err != nil {
		return Request{}, nil, err
	}
	if r.Tenant != tenantID {
		return Request{}, nil, notFound(id) // another tenant's: not theirs to see
	}
	if r, err = s.observe(ctx, r); err != nil {
		return Request{}, nil, err
	}
	if r.State != Pending {
		return Request{}, nil, decided(r)
	}
	if Own(r, by) {
		return Request{}, nil, problem.New(problem.Forbidden, "own_request",
			"you asked for this access yourself; another admin must decide")
	}
	if r.ApprovedBy(by.ID) {
		return Request{}, nil, problem.New(problem.Conflict, "already_approved",
			"you have approved this request already; it needs %d more approval(s) from other admins", r.Needed-len(r.Approvals))
	}
	return r, raw, nil
}

// Own reports whether the admin by is the agent who asked: the same
// subject, or the same email (an agent also registered as an admin).
func Own(r Request, by store.Actor) bool {
	return by.ID == r.Agent.Subject ||
		by.Email != "" && strings.EqualFold(strings.TrimSpace(by.Email), strings.TrimSpace(r.Agent.Email))
}

// decided is the conflict of deciding a request that has ended.
func decided(r Request) error {
	return problem.New(problem.Conflict, "request_"+r.State, "request %s has already ended: %s", r.ID, r.State)
}

func busy(id string) error {
	return problem.New(problem.Conflict, "request_busy", "request %s kept changing while this was decided; try again", id)
}
