package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// GrantExpiring warns that a grant ends soon. It has no audit event of
// its own: the app's sweep publishes it (see Expiring).
const GrantExpiring = "grant.expiring"

// ExpiringWindow is how long before its expiry a grant is warned about,
// at most half of its life, so a short grant is not warned about right
// after it is created.
const ExpiringWindow = 24 * time.Hour

// publishTimeout bounds publishing the notifications of one append. It
// runs detached from the caller's context: the audit event is already
// stored, so a caller that gives up must not lose its notification.
const publishTimeout = 10 * time.Second

// Publisher publishes events; a *Notifier is one.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}

// notified are the audit event types that become notifications.
var notified = map[string]bool{
	GrantCreated: true, GrantRevoked: true, GrantExpired: true, GrantExtended: true,
	SessionStarted: true, SessionEnded: true,
	RequestCreated: true, RequestApproval: true, RequestApproved: true, RequestDenied: true, RequestExpired: true,
	BreakGlassUsed: true,
}

// bridge is a store whose appended audit events are published.
type bridge struct {
	store.Store
	pub Publisher
	log *zap.Logger
}

// Bridge returns st with AppendEvents publishing, after a successful
// append, every event of a notified type (grant.created, grant.revoked,
// grant.expired, grant.extended, session.*, request.*, breakglass.used)
// through p, under the stable id "<tenant>:<seq>". Every other method is
// st's. Whoever
// writes an event (the CLI, the app API, the hosted page, the gateway,
// an expiry sweep), its notification goes out; other types, such as the
// many http.request events, cost one map lookup each.
//
// A failure to publish is logged, never returned: the event is stored
// and the caller's change has happened. Known gap: a crash between the
// append and the publish loses that notification, since the two are not
// one transaction; the audit trail still has the event.
func Bridge(st store.Store, p Publisher, logger *zap.Logger) store.Store {
	if logger == nil {
		logger = zap.NewNop()
	}
	return &bridge{Store: st, pub: p, log: logger}
}

// AppendEvents appends events and then publishes the notified ones.
func (b *bridge) AppendEvents(ctx context.Context, tenant string, events ...store.Event) ([]store.Event, error) {
	stored, err := b.Store.AppendEvents(ctx, tenant, events...)
	if err != nil {
		return stored, err
	}
	var todo []store.Event
	for _, e := range stored {
		if notified[e.Type] {
			todo = append(todo, e)
		}
	}
	if len(todo) > 0 {
		b.publish(ctx, todo)
	}
	return stored, nil
}

// publish publishes each event, logging failures.
func (b *bridge) publish(ctx context.Context, events []store.Event) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	for _, e := range events {
		if err := b.publishOne(ctx, e); err != nil {
			b.log.Error("notify: publishing an audit event failed; its webhooks and emails are not sent",
				zap.String("tenant", e.Tenant), zap.Int64("seq", e.Seq), zap.String("event", e.Type), zap.Error(err))
		}
	}
}

func (b *bridge) publishOne(ctx context.Context, e store.Event) error {
	data, err := eventData(ctx, b.Store, e)
	if err != nil {
		return err
	}
	return b.pub.Publish(ctx, Event{
		ID: e.Tenant + ":" + strconv.FormatInt(e.Seq, 10), Tenant: e.Tenant, Type: e.Type, Time: e.Time, Data: data,
	})
}

// eventData is the notification data of a stored audit event: the grant
// for grant events, the session for session events, else the event.
func eventData(ctx context.Context, st store.Store, e store.Event) (any, error) {
	switch e.Type {
	case GrantCreated, GrantRevoked, GrantExpired, GrantExtended:
		return grantData(ctx, st, e)
	case RequestCreated, RequestApproval, RequestApproved, RequestDenied, RequestExpired:
		return requestData(e)
	case SessionStarted, SessionEnded:
		if e.Session == "" {
			return nil, errors.New("session event without a session id")
		}
		s, err := st.GetSession(ctx, e.Tenant, e.Session)
		if err != nil {
			return nil, err
		}
		return NewSessionData(s), nil
	}
	return NewAuditData(e), nil
}

// grantData is the grant as it was right after e: a grant.created event
// does not show an ending that happened since.
func grantData(ctx context.Context, st store.Store, e store.Event) (GrantData, error) {
	if e.Grant == "" {
		return GrantData{}, errors.New("grant event without a grant id")
	}
	g, err := st.GetGrant(ctx, e.Tenant, e.Grant)
	if err != nil {
		return GrantData{}, err
	}
	if e.Type == GrantCreated {
		g.EndedAt, g.EndedBy, g.EndReason, g.EndNote = nil, nil, "", ""
	}
	return NewGrantData(g), nil
}

// requestData is the request an event carries: request.* events hold the
// request as it was right after them, and its review URL.
func requestData(e store.Event) (RequestData, error) {
	var d RequestData
	if err := json.Unmarshal(e.Data, &d); err != nil || len(d.Request) == 0 {
		return RequestData{}, fmt.Errorf("%s event without its request", e.Type)
	}
	d.Tenant = e.Tenant
	return d, nil
}

// AuditData is the data of a notified event with no richer shape yet
// (breakglass.used): the audit event itself.
type AuditData struct {
	Tenant string      `json:"tenant"`
	Event  store.Event `json:"event"`
}

// NewAuditData returns the data of a notification about audit event e.
func NewAuditData(e store.Event) AuditData { return AuditData{Tenant: e.Tenant, Event: e} }

// Expiring returns the grant.expiring event of g if, at now, g is active
// and ends within its warning window: ExpiringWindow, or half its life if
// that is shorter. The event's id is "<grant id>:expiring", so publishing
// it again, on every sweep or instance, sends nothing more.
func Expiring(g store.Grant, now time.Time) (Event, bool) {
	if g.Ended() || g.ExpiresAt == nil || g.Expired(now) {
		return Event{}, false
	}
	window := min(ExpiringWindow, g.ExpiresAt.Sub(g.CreatedAt)/2)
	if g.ExpiresAt.Sub(now) > window {
		return Event{}, false
	}
	return Event{ID: g.ID + ":expiring", Tenant: g.Tenant, Type: GrantExpiring, Time: now, Data: NewGrantData(g)}, true
}
