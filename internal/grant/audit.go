package grant

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Audit event types for grants.
const (
	EventCreated  = "grant.created"
	EventRevoked  = "grant.revoked"
	EventExpired  = "grant.expired"
	EventReplaced = "grant.replaced"
)

// details is the data of a grant event.
type details struct {
	Scopes     []string   `json:"scopes,omitempty"`
	Areas      []string   `json:"areas,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	Standing   bool       `json:"standing,omitempty"`
	Note       string     `json:"note,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	ReplacedBy string     `json:"replaced_by,omitempty"`
}

func grantEvent(typ string, g store.Grant, at time.Time, by *store.Actor, d details) store.Event {
	data, _ := json.Marshal(d) // a struct of plain fields always encodes
	return store.Event{Type: typ, Time: at, Actor: by, Grant: g.ID, Data: data}
}

func createdEvent(g store.Grant) store.Event {
	by := g.CreatedBy
	return grantEvent(EventCreated, g, g.CreatedAt, &by, details{Scopes: g.Scopes, Areas: g.Areas, ExpiresAt: g.ExpiresAt, Standing: g.Standing(), Note: g.Note})
}

func replacedEvent(old, by store.Grant) store.Event {
	actor := by.CreatedBy
	return grantEvent(EventReplaced, old, *old.EndedAt, &actor, details{ReplacedBy: by.ID})
}

func revokedEvent(g store.Grant) store.Event {
	return grantEvent(EventRevoked, g, *g.EndedAt, g.EndedBy, details{Reason: g.EndNote})
}

func expiredEvent(g store.Grant) store.Event {
	return grantEvent(EventExpired, g, *g.EndedAt, nil, details{ExpiresAt: g.ExpiresAt})
}

// audit appends events to the tenant's chain, retried (audit.AppendChange).
// The grant change has already happened, so a failure here is reported,
// not rolled back.
func (s *Service) audit(ctx context.Context, tenantID string, events ...store.Event) error {
	if _, err := audit.AppendChange(ctx, s.store, tenantID, events...); err != nil {
		return problem.Store(err)
	}
	return nil
}
