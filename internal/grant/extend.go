package grant

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// EventExtended records more time given to the same grant. The contract's
// event list predates extensions; history shows them on the grant too.
const EventExtended = "grant.extended"

// Extend adds d to the expiry of the tenant's active grant id, for the
// access request named by request (empty when none). The grant keeps its
// id, scopes and areas; the change is audited as grant.extended.
func (s *Service) Extend(ctx context.Context, tenantID, id string, by store.Actor, d time.Duration, request string) (store.Grant, error) {
	if err := tenant.Validate(tenantID); err != nil {
		return store.Grant{}, err
	}
	if err := validateActor(by); err != nil {
		return store.Grant{}, err
	}
	if d < MinDuration || d > MaxDuration {
		return store.Grant{}, problem.New(problem.Invalid, "invalid_duration", "extension %s is out of range: use 1m to 400d", FormatDuration(d))
	}
	release, err := s.takeTurn(ctx, tenantID)
	if err != nil {
		return store.Grant{}, err
	}
	defer release()
	cur, err := s.Current(ctx, tenantID)
	if err != nil && problem.As(err).Kind != problem.NotFound {
		return store.Grant{}, err
	}
	if err != nil || cur.ID != id {
		return store.Grant{}, problem.New(problem.Conflict, "grant_ended", "grant %s is no longer the tenant's active grant, so it cannot be extended", clip(id))
	}
	if cur.Standing() {
		return store.Grant{}, problem.New(problem.Conflict, "grant_standing", "grant %s is standing; it has no end to move", id)
	}
	now := s.Now()
	g, err := s.store.ExtendGrant(ctx, tenantID, id, store.Extension{At: now, By: by, To: cur.ExpiresAt.Add(d), Request: request})
	switch {
	case errors.Is(err, store.ErrEnded), errors.Is(err, store.ErrNotFound):
		return store.Grant{}, problem.New(problem.Conflict, "grant_ended", "grant %s ended meanwhile, so it cannot be extended", id)
	case err != nil:
		return store.Grant{}, problem.Store(err)
	}
	ext := g.Extensions[len(g.Extensions)-1]
	return g, s.audit(ctx, tenantID, extendedEvent(g, ext))
}

// extendedDetails is the data of a grant.extended event.
type extendedDetails struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Request string    `json:"request,omitempty"`
}

func extendedEvent(g store.Grant, e store.Extension) store.Event {
	by := e.By
	data, _ := json.Marshal(extendedDetails{From: e.From, To: e.To, Request: e.Request}) // plain fields always encode
	return store.Event{Type: EventExtended, Time: e.At, Actor: &by, Grant: g.ID, Data: data}
}
