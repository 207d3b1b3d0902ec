package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// The tests here take Redis down on purpose.
func init() { testkit.QuietRedisLogs() }

// secret signs every test endpoint; tests check it never reaches a log.
var secret = notify.NewSecret()

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// backend opens a fresh store of one kind for a test.
type backend struct {
	name string
	open func(t *testing.T) store.Store
}

// backends are the real bbolt and a real redis-server.
func backends(t *testing.T) []backend {
	srv := redistest.Start(t)
	return []backend{
		{"bolt", func(t *testing.T) store.Store {
			return testkit.Bolt(t)
		}},
		{"redis", func(t *testing.T) store.Store {
			srv.FlushAll(t)
			return testkit.Redis(t, srv.URL())
		}},
	}
}

// eachBackend runs test against every backend.
func eachBackend(t *testing.T, test func(t *testing.T, open func(*testing.T) store.Store)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { test(t, b.open) })
	}
}

// newNotifier returns a notifier with quick polls, the test's clock and
// a log the test checks for the secret when it ends.
func newNotifier(t *testing.T, s store.Outbox, clk *testkit.Clock, cfg notify.Config) *notify.Notifier {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	t.Cleanup(func() { checkNoSecret(t, logs) })
	cfg.Now = clk.Now
	cfg.Logger = zap.New(core)
	if cfg.Poll == 0 {
		cfg.Poll = 10 * time.Millisecond
	}
	n, err := notify.New(s, cfg)
	if err != nil {
		t.Fatalf("notify.New: %v", err)
	}
	return n
}

// checkNoSecret fails if any log entry holds the endpoint secret.
func checkNoSecret(t *testing.T, logs *observer.ObservedLogs) {
	key := strings.TrimPrefix(secret, "whsec_")
	for _, e := range logs.All() {
		line := e.Message + fmt.Sprint(e.ContextMap())
		if strings.Contains(line, key) {
			t.Errorf("log entry holds the webhook secret: %s", e.Message)
		}
	}
}

// start runs n's worker until the test ends.
func start(t *testing.T, n *notify.Notifier) (stop func()) {
	stop = n.Start()
	t.Cleanup(stop)
	return stop
}

// notification reads one notification from the store.
func notification(t *testing.T, s store.Outbox, id string) store.Notification {
	t.Helper()
	n, err := s.GetNotification(ctx(t), id)
	if err != nil {
		t.Fatalf("GetNotification(%s): %v", id, err)
	}
	return n
}

// onlyNotification returns the one notification in state.
func onlyNotification(t *testing.T, s store.Outbox, state string) store.Notification {
	t.Helper()
	ns, _, err := s.Notifications(ctx(t), state, store.Page{})
	if err != nil || len(ns) != 1 {
		t.Fatalf("%s notifications: %d, %v; want one", state, len(ns), err)
	}
	return ns[0]
}

// delivery is one request a receiver got.
type delivery struct {
	id     string
	header http.Header
	body   []byte
}

// receiver is a webhook endpoint that checks every request with the
// Standard Webhooks verifier, answers as respond says, and, like a real
// receiver, processes each webhook-id once.
type receiver struct {
	t       *testing.T
	clk     *testkit.Clock
	wh      *standardwebhooks.Webhook
	respond func(attempt int, w http.ResponseWriter, r *http.Request)
	srv     *httptest.Server

	mu        sync.Mutex
	attempts  []delivery
	processed map[string]int // webhook-id -> times processed
}

// newReceiver starts a receiver; respond nil answers 204.
func newReceiver(t *testing.T, clk *testkit.Clock, respond func(attempt int, w http.ResponseWriter, r *http.Request)) *receiver {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if respond == nil {
		respond = func(int, http.ResponseWriter, *http.Request) {}
	}
	rc := &receiver{t: t, clk: clk, wh: wh, respond: respond, processed: map[string]int{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

// endpoint is the receiver as a notifier endpoint.
func (rc *receiver) endpoint(name string) notify.Endpoint {
	return notify.Endpoint{Name: name, URL: rc.srv.URL + "/hooks/lockbox", Secret: secret}
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rc.t.Errorf("read body: %v", err)
		return
	}
	if err := rc.verify(r, body); err != nil {
		rc.t.Errorf("delivery %s fails verification: %v", r.Header.Get("webhook-id"), err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	rc.attempts = append(rc.attempts, delivery{r.Header.Get("webhook-id"), r.Header.Clone(), body})
	n := len(rc.attempts)
	rc.mu.Unlock()

	rec := httptest.NewRecorder()
	rec.Code = http.StatusNoContent
	rc.respond(n, rec, r)
	if rec.Code >= 200 && rec.Code < 300 {
		rc.mu.Lock()
		rc.processed[r.Header.Get("webhook-id")]++
		rc.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
}

// verify checks a request as a receiver must: a POST of JSON, signed with
// the shared secret, stamped with the sender's current time.
func (rc *receiver) verify(r *http.Request, body []byte) error {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		return fmt.Errorf("%s with content type %q", r.Method, r.Header.Get("Content-Type"))
	}
	// The library checks the timestamp against the real time; the sender
	// runs on the test's clock, so that check is made against it here.
	if err := rc.wh.VerifyIgnoringTimestamp(body, r.Header); err != nil {
		return err
	}
	ts, err := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
	if err != nil {
		return err
	}
	if d := rc.clk.Now().Sub(time.Unix(ts, 0)); d < -5*time.Minute || d > 5*time.Minute {
		return errors.New("timestamp is not the sender's current time")
	}
	return nil
}

func (rc *receiver) attemptCount() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.attempts)
}

func (rc *receiver) delivered() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make(map[string]int, len(rc.processed))
	for k, v := range rc.processed {
		out[k] = v
	}
	return out
}

func (rc *receiver) all() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.attempts...)
}

// status answers every request with code.
func status(code int) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}
