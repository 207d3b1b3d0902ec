package request

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// EventData is the data of every request.* audit event: the request as
// it is after the event, and where an admin reviews it.
type EventData struct {
	Request   Request `json:"request"`
	ReviewURL string  `json:"review_url,omitempty"`
}

// audit appends the event of a change that has already happened, so a
// failure is reported, not rolled back.
func (s *Service) audit(ctx context.Context, r Request, typ string, by *store.Actor, at time.Time, grantID string) error {
	d := EventData{Request: r}
	if s.cfg.ReviewURL != nil {
		d.ReviewURL = s.cfg.ReviewURL(r.Tenant, r.ID)
	}
	data, err := json.Marshal(d)
	if err != nil {
		return problem.Store(err)
	}
	e := store.Event{Type: typ, Time: at, Actor: by, Grant: grantID, Data: data}
	if _, err := s.st.AppendEvents(ctx, r.Tenant, e); err != nil {
		return problem.Store(err)
	}
	return nil
}
