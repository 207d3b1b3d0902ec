package request

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// EventData is the data of every request.* audit event: the request as
// it is after the event, and where an admin reviews it.
type EventData struct {
	Request   Request `json:"request"`
	ReviewURL string  `json:"review_url,omitempty"`
}

// audit appends the event of a change that has already happened, retried
// (audit.AppendChange); a failure is reported, not rolled back.
func (s *Service) audit(ctx context.Context, r Request, typ string, by *store.Actor, at time.Time, grantID string) error {
	e, err := s.event(r, typ, by, at, grantID)
	if err != nil {
		return err
	}
	if _, err := audit.AppendChange(ctx, s.st, r.Tenant, e); err != nil {
		return problem.Store(err)
	}
	return nil
}

// auditOnce appends the event of a change the caller takes back if this
// fails, so it is tried once: the agent is told at once and can ask again.
func (s *Service) auditOnce(ctx context.Context, r Request, typ string, by *store.Actor, at time.Time) error {
	e, err := s.event(r, typ, by, at, "")
	if err != nil {
		return err
	}
	if _, err := s.st.AppendEvents(ctx, r.Tenant, e); err != nil {
		return problem.Store(err)
	}
	return nil
}

// event is the audit event of r's change typ.
func (s *Service) event(r Request, typ string, by *store.Actor, at time.Time, grantID string) (store.Event, error) {
	d := EventData{Request: r}
	if s.cfg.ReviewURL != nil {
		d.ReviewURL = s.cfg.ReviewURL(r.Tenant, r.ID)
	}
	data, err := json.Marshal(d)
	if err != nil {
		return store.Event{}, problem.Store(err)
	}
	return store.Event{Type: typ, Time: at, Actor: by, Grant: grantID, Data: data}, nil
}
