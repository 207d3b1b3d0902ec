package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// recorder is a Publisher that keeps what it is given, or fails.
type recorder struct {
	mu     sync.Mutex
	events []notify.Event
	err    error
}

func (r *recorder) Publish(_ context.Context, e notify.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) got() []notify.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Event(nil), r.events...)
}

// bridged returns a bolt store of the test's own, bridged to pub, and
// the log of the bridge.
func bridged(t *testing.T, pub notify.Publisher) (store.Store, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	st := testkit.Bolt(t)
	return notify.Bridge(st, pub, zap.New(core)), logs
}

// putGrant stores an active grant of acme.
func putGrant(t *testing.T, st store.Store, id string) store.Grant {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	until := now.Add(7 * 24 * time.Hour)
	g := store.Grant{ID: id, Tenant: "acme", Scopes: []string{"read"}, CreatedBy: store.Actor{ID: "ana"},
		CreatedAt: now, ExpiresAt: &until}
	if _, err := st.PutGrant(ctx(t), g); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestBridgePublishesNotifiedEventsOnly(t *testing.T) {
	pub := &recorder{}
	st, _ := bridged(t, pub)
	g := putGrant(t, st, "g_1")
	if _, err := st.EndGrant(ctx(t), "acme", g.ID, store.Ending{At: time.Now(), By: &store.Actor{ID: "ben"}, Reason: store.EndRevoked}); err != nil {
		t.Fatal(err)
	}
	stored, err := st.AppendEvents(ctx(t), "acme",
		store.Event{Type: notify.GrantCreated, Grant: g.ID},
		store.Event{Type: "http.request", Session: "s_1", Data: json.RawMessage(`{"method":"GET"}`)},
		store.Event{Type: "admins.updated"},
		store.Event{Type: notify.GrantRevoked, Grant: g.ID},
		store.Event{Type: notify.BreakGlassUsed, Data: json.RawMessage(`{"reason":"outage"}`)},
	)
	if err != nil {
		t.Fatal(err)
	}

	got := pub.got()
	wantIDs := []string{"acme:1", "acme:4", "acme:5"}
	if len(got) != len(wantIDs) {
		t.Fatalf("published %d events, want %d: %+v", len(got), len(wantIDs), got)
	}
	for i, e := range got {
		if e.ID != wantIDs[i] || e.Tenant != "acme" || !e.Time.Equal(stored[[]int{0, 3, 4}[i]].Time) {
			t.Errorf("event %d: id %q tenant %q time %v", i, e.ID, e.Tenant, e.Time)
		}
	}
	created, revoked := got[0].Data.(notify.GrantData), got[1].Data.(notify.GrantData)
	if created.Grant.ID != g.ID || created.Grant.Ended() {
		t.Errorf("grant.created data shows %+v; want the grant as created", created.Grant)
	}
	if revoked.Grant.EndReason != store.EndRevoked || revoked.Grant.EndedBy.ID != "ben" {
		t.Errorf("grant.revoked data shows %+v; want the grant as revoked", revoked.Grant)
	}
	if audit := got[2].Data.(notify.AuditData); audit.Event.Seq != 5 || string(audit.Event.Data) != `{"reason":"outage"}` {
		t.Errorf("breakglass.used data is %+v", audit)
	}
}

func TestBridgeSessionEventCarriesTheSession(t *testing.T) {
	pub := &recorder{}
	st, _ := bridged(t, pub)
	now := time.Now().UTC()
	s := store.Session{ID: "s_1", Tenant: "acme", Grant: "g_1", Agent: store.Agent{Subject: "alice", Email: "alice@example.com"},
		Scopes: []string{"read"}, StartedAt: now, EndsAt: now.Add(time.Hour), LastSeen: now}
	if err := st.PutSession(ctx(t), s); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendEvents(ctx(t), "acme", store.Event{Type: notify.SessionStarted, Session: s.ID, Grant: s.Grant}); err != nil {
		t.Fatal(err)
	}
	got := pub.got()
	if len(got) != 1 {
		t.Fatalf("published %+v", got)
	}
	if d := got[0].Data.(notify.SessionData); d.Session.ID != s.ID || d.Session.Agent.Email != "alice@example.com" || d.Session.Grant != "g_1" {
		t.Errorf("session.started data is %+v", d)
	}
}

func TestBridgeLogsPublishFailureAndKeepsTheEvent(t *testing.T) {
	pub := &recorder{err: errors.New("outbox unreachable")}
	st, logs := bridged(t, pub)
	g := putGrant(t, st, "g_1")

	stored, err := st.AppendEvents(ctx(t), "acme", store.Event{Type: notify.GrantCreated, Grant: g.ID})
	if err != nil || len(stored) != 1 {
		t.Fatalf("append: %v, %d events", err, len(stored))
	}
	// A grant event whose grant cannot be read is logged the same way.
	if _, err := st.AppendEvents(ctx(t), "acme", store.Event{Type: notify.GrantExpired, Grant: "g_missing"}); err != nil {
		t.Fatal(err)
	}
	errs := logs.FilterLevelExact(zapcore.ErrorLevel).All()
	if len(errs) != 2 {
		t.Fatalf("logged %d errors, want 2: %+v", len(errs), logs.All())
	}
	if f := errs[0].ContextMap(); f["tenant"] != "acme" || f["seq"] != int64(1) || f["event"] != notify.GrantCreated {
		t.Errorf("log fields %v", f)
	}
	head, err := st.AuditHead(ctx(t), "acme")
	if err != nil || head.Seq != 2 {
		t.Errorf("audit head %+v, %v; want both events stored", head, err)
	}
}

func TestBridgedPublishIsStableAcrossRepeats(t *testing.T) {
	st := testkit.Bolt(t)
	n := newNotifier(t, st, testkit.NowClock(), notify.Config{Endpoints: []notify.Endpoint{{URL: "https://app.example/hooks", Secret: secret}}})
	b := notify.Bridge(st, n, nil)
	g := putGrant(t, b, "g_1")
	if _, err := b.AppendEvents(ctx(t), "acme", store.Event{Type: notify.GrantCreated, Grant: g.ID}); err != nil {
		t.Fatal(err)
	}
	// Publishing the same stored event again, as a retrying caller
	// would, adds nothing: its id is the tenant and sequence number.
	if err := n.Publish(ctx(t), notify.Event{ID: "acme:1", Tenant: "acme", Type: notify.GrantCreated}); err != nil {
		t.Fatal(err)
	}
	pending, _, err := st.Notifications(ctx(t), store.NotificationPending, store.Page{})
	if err != nil || len(pending) != 1 || pending[0].Event != notify.GrantCreated {
		t.Fatalf("pending %+v, %v; want one grant.created webhook", pending, err)
	}
}

func TestExpiring(t *testing.T) {
	now := time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	ended := now.Add(-time.Minute)
	tests := []struct {
		name    string
		created time.Time
		expires *time.Time
		ended   *time.Time
		want    bool
	}{
		{name: "a week's grant with a day left", created: now.Add(-6 * 24 * time.Hour), expires: at(23 * time.Hour), want: true},
		{name: "a week's grant with two days left", created: now.Add(-5 * 24 * time.Hour), expires: at(48 * time.Hour), want: false},
		{name: "a day's grant just created", created: now.Add(-time.Minute), expires: at(24*time.Hour - time.Minute), want: false},
		{name: "a day's grant past its half", created: now.Add(-13 * time.Hour), expires: at(11 * time.Hour), want: true},
		{name: "standing", created: now.Add(-48 * time.Hour), expires: nil, want: false},
		{name: "already expired", created: now.Add(-48 * time.Hour), expires: at(-time.Second), want: false},
		{name: "revoked", created: now.Add(-48 * time.Hour), expires: at(time.Hour), ended: &ended, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := store.Grant{ID: "g_1", Tenant: "acme", CreatedAt: tt.created, ExpiresAt: tt.expires, EndedAt: tt.ended}
			e, due := notify.Expiring(g, now)
			if due != tt.want {
				t.Fatalf("due = %v, want %v", due, tt.want)
			}
			if due && (e.ID != "g_1:expiring" || e.Type != notify.GrantExpiring || e.Tenant != "acme" || e.Data.(notify.GrantData).Grant.ID != "g_1") {
				t.Errorf("event %+v", e)
			}
		})
	}
}

func TestBridgeRequestEventCarriesTheRequestAndReviewURL(t *testing.T) {
	pub := &recorder{}
	st, logs := bridged(t, pub)
	data := `{"request":{"id":"r_1","state":"pending"},"review_url":"https://app.example/_lockbox/admin#request-r_1"}`
	if _, err := st.AppendEvents(ctx(t), "acme",
		store.Event{Type: notify.RequestCreated, Data: json.RawMessage(data)},
		store.Event{Type: notify.RequestDenied, Data: json.RawMessage(`{"other":1}`)},
	); err != nil {
		t.Fatal(err)
	}
	got := pub.got()
	if len(got) != 1 {
		t.Fatalf("published %+v; want the well-formed request event only", got)
	}
	d := got[0].Data.(notify.RequestData)
	if d.Tenant != "acme" || string(d.Request) != `{"id":"r_1","state":"pending"}` || d.ReviewURL != "https://app.example/_lockbox/admin#request-r_1" {
		t.Fatalf("request.created data is %+v", d)
	}
	if logs.FilterMessageSnippet("publishing an audit event failed").Len() != 1 {
		t.Fatalf("the malformed request event was not logged: %v", logs.All())
	}
}

func TestBridgeGrantExtendedCarriesTheGrant(t *testing.T) {
	pub := &recorder{}
	st, _ := bridged(t, pub)
	g := putGrant(t, st, "g_1")
	to := g.ExpiresAt.Add(24 * time.Hour)
	if _, err := st.ExtendGrant(ctx(t), "acme", g.ID, store.Extension{At: time.Now(), By: store.Actor{ID: "ben"}, To: to}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendEvents(ctx(t), "acme", store.Event{Type: notify.GrantExtended, Grant: g.ID}); err != nil {
		t.Fatal(err)
	}
	got := pub.got()
	if len(got) != 1 {
		t.Fatalf("published %+v", got)
	}
	if d := got[0].Data.(notify.GrantData); !d.Grant.ExpiresAt.Equal(to) || len(d.Grant.Extensions) != 1 {
		t.Fatalf("grant.extended data is %+v", d.Grant)
	}
}
