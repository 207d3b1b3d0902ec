package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
)

// memoryEvents is how many http.request events TestMemoryPerEvent writes:
// enough that per-key overhead is a small share of the figure.
const memoryEvents = 3000

// realisticRequest is an http.request event as the gateway writes it for
// an agent's proxied request.
func realisticRequest(i int, at time.Time) store.Event {
	data := fmt.Sprintf(`{"method":"GET","path":"/api/orders/%d","status":200,"bytes":1834,"duration_ms":12,"request_id":"01JD6W7Q1Z8C7V5N2M4K3%05d","started":"e4KQ2ZB7XH3MNP6RT.%s"}`,
		10000+i, i, strconv.FormatInt(int64(2*i), 36))
	return store.Event{
		ID:   "e4KQ2ZB7XH3MNP6RT." + strconv.FormatInt(int64(2*i+1), 36),
		Type: "http.request", Time: at,
		Actor:   &store.Actor{ID: "agent:248289761001", Email: "bob.smith@vendor.example", Issuer: "https://accounts.vendor.example"},
		Grant:   "g_01JD6W7Q1Z8C7V5N2M4K3H9TQX",
		Session: "s_01JD6W9B3F5XK2R8YQ7N4M1VCA",
		Data:    json.RawMessage(data),
	}
}

// keyBytes sums MEMORY USAGE (every element counted) of the keys.
func keyBytes(t *testing.T, c *redis.Client, keys ...string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, k := range keys {
		n, err := c.MemoryUsage(context.Background(), k, 0).Result()
		if err != nil && err != redis.Nil {
			t.Fatalf("MEMORY USAGE %s: %v", k, err)
		}
		out[k] = n
	}
	return out
}

// usedMemory is INFO memory's used_memory.
func usedMemory(t *testing.T, c *redis.Client) int64 {
	t.Helper()
	info, err := c.InfoMap(context.Background(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(info["Memory"]["used_memory"], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMemoryPerEvent fills a real Redis with a tenant's http.request
// events, written in group-commit batches, and reports the bytes of Redis
// memory each costs: the keys that hold events for the retention window,
// and beside them the recent-id set that lives an hour.
func TestMemoryPerEvent(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(t)
	s, err := redisstore.Open(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	before := usedMemory(t, c)
	const batch = 20
	for i := 0; i < memoryEvents; i += batch {
		var evs []store.Event
		for j := i; j < i+batch; j++ {
			evs = append(evs, realisticRequest(j, t0.Add(time.Duration(j)*137*time.Millisecond)))
		}
		if _, err := s.AppendEvents(ctx, "acme", evs...); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil { // waits for the buckets to be compacted
		t.Fatal(err)
	}
	after := usedMemory(t, c)
	keys, err := c.Keys(ctx, "lockbox:{acme}:audit*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var kept, ids int64
	var parts []string
	for k, n := range keyBytes(t, c, keys...) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, n))
		if strings.HasSuffix(k, ":ids") {
			ids += n
		} else {
			kept += n
		}
	}
	perEvent := float64(kept) / memoryEvents
	t.Logf("%d http.request events: %.0f B/event in the audit keys (%s); recent-id set %.0f B/event for an hour; used_memory grew %.0f B/event",
		memoryEvents, perEvent, strings.Join(parts, " "), float64(ids)/memoryEvents, float64(after-before)/memoryEvents)
	s2, err := redisstore.Open(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Events(ctx, "acme", store.EventQuery{Limit: 5})
	if err != nil || len(got) != 5 {
		t.Fatalf("read back: %d events, %v", len(got), err)
	}
	want, _, _ := store.LinkAll(store.Head{}, "acme", []store.Event{realisticRequest(0, t0)})
	if got[0].Hash != want[0].Hash {
		t.Fatalf("first event hash %s, want %s", got[0].Hash, want[0].Hash)
	}
}

// TestMemoryPerAgent stores what a live agent holds in a tenant, the
// agent's login record and its impersonation session, and reports their
// bytes of Redis memory.
func TestMemoryPerAgent(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(t)
	s, err := redisstore.Open(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	agent := store.Agent{Subject: "248289761001", Issuer: "https://accounts.vendor.example", Email: "bob.smith@vendor.example", Name: "Bob Smith"}
	const agents = 200
	before := usedMemory(t, c)
	for i := range agents {
		sid := fmt.Sprintf("s_01JD6W9B3F5XK2R8YQ7N4%05d", i)
		sess := store.Session{ID: sid, Tenant: "acme", Grant: "g_01JD6W7Q1Z8C7V5N2M4K3H9TQX", Agent: agent,
			Roles: []string{"support"}, Scopes: []string{"read", "write"}, StartedAt: t0, EndsAt: t0.Add(4 * time.Hour),
			LastSeen: t0.Add(time.Minute), Requests: 42}
		if err := s.PutSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		rec := login.AgentSession{
			Identity:  login.Identity{Agent: agent, Roles: []string{"support"}, Scopes: []string{"read", "write"}},
			Site:      "https://support.vendor.example",
			CreatedAt: t0, ExpiresAt: t0.Add(12 * time.Hour), CSRF: "pV3w0Zb7tQm9rXk2Lc8yNd4hFs6gJa1e",
			Impersonation: &login.Impersonation{Tenant: "acme", Session: sid},
		}
		raw, _ := json.Marshal(rec)
		id := fmt.Sprintf("%064x", i+1) // hex SHA-256, as login names records
		if ok, err := s.CreateRecord(ctx, "agent", id, raw, 12*time.Hour); err != nil || !ok {
			t.Fatalf("create record: %v %v", ok, err)
		}
	}
	after := usedMemory(t, c)
	var sessKey, recKey string
	keys, _ := c.Keys(ctx, "lockbox:*").Result()
	for _, k := range keys {
		switch {
		case strings.Contains(k, ":session:") && sessKey == "":
			sessKey = k
		case strings.Contains(k, ":rec:agent:") && recKey == "":
			recKey = k
		}
	}
	if enc, _ := c.ObjectEncoding(ctx, sessKey).Result(); enc != "listpack" {
		t.Errorf("a session is stored as a %s, want the compact listpack", enc)
	}
	b := keyBytes(t, c, sessKey, recKey, "lockbox:{acme}:sessions")
	list := float64(b["lockbox:{acme}:sessions"]) / agents
	total := float64(b[sessKey]+b[recKey]) + list
	t.Logf("per live agent: %.0f B (login record %d B, session %d B, its entry in the session list %.0f B); used_memory grew %.0f B/agent",
		total, b[recKey], b[sessKey], list, float64(after-before)/agents)
}
