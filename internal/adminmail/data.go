package adminmail

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Data reads what an emailed notification is about from its
// payload: the grant of a grant event, or the audit event of a
// breakglass.used.
func Data(n store.Notification) (email.Data, error) {
	switch n.Event {
	case email.KindBreakGlassUsed:
		return breakGlassEmailData(n.Payload)
	case email.KindRequestCreated:
		return requestEmailData(n.Payload)
	}
	var data notify.GrantData
	if err := json.Unmarshal(n.Payload, &data); err != nil {
		return email.Data{}, fmt.Errorf("reading the %s notification: %v", n.Event, err)
	}
	return email.Data{Grant: data.Grant}, nil
}

// breakGlassUsed is the data the gateway records with breakglass.used.
type breakGlassUsed struct {
	Reason string    `json:"reason"`
	Scopes []string  `json:"scopes"`
	EndsAt time.Time `json:"ends_at"`
}

// breakGlassEmailData reads a breakglass.used notification: who entered
// when, why, and until when.
func breakGlassEmailData(payload []byte) (email.Data, error) {
	var data notify.AuditData
	if err := json.Unmarshal(payload, &data); err != nil {
		return email.Data{}, fmt.Errorf("reading the breakglass.used notification: %v", err)
	}
	var bg breakGlassUsed
	if err := json.Unmarshal(data.Event.Data, &bg); err != nil {
		return email.Data{}, fmt.Errorf("reading the breakglass.used event: %v", err)
	}
	return email.Data{
		Actor: data.Event.Actor, At: data.Event.Time,
		BreakGlass: &email.BreakGlass{Session: data.Event.Session, Reason: bg.Reason, Scopes: bg.Scopes, Until: bg.EndsAt},
	}, nil
}

// requestEmailData reads a request.created notification: who asks, why,
// for what, and until when the request waits.
func requestEmailData(payload []byte) (email.Data, error) {
	var data notify.RequestData
	if err := json.Unmarshal(payload, &data); err != nil {
		return email.Data{}, fmt.Errorf("reading the request.created notification: %v", err)
	}
	var r request.Request
	if err := json.Unmarshal(data.Request, &r); err != nil {
		return email.Data{}, fmt.Errorf("reading the request of a request.created notification: %v", err)
	}
	return email.Data{
		Actor: &store.Actor{ID: r.Agent.Subject, Email: r.Agent.Email}, At: r.CreatedAt,
		Request: &email.Request{
			ID: r.ID, Reason: r.Reason, Ticket: r.Ticket, Scopes: r.Scopes, Duration: r.Duration,
			Areas: r.Areas, Extension: r.Extension, Needed: r.Needed, ExpiresAt: r.ExpiresAt,
		},
	}, nil
}
