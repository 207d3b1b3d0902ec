package redisstore_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestSessionStoredByEarlierVersion reads, touches and ends a session
// stored the earlier way (its whole JSON, zero activity included, in the
// field doc), beside one stored the new way.
func TestSessionStoredByEarlierVersion(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	c := srv.Client(t)
	old := `{"id":"s_old","tenant":"acme","agent":{"sub":"1","iss":"https://idp.example"},"scopes":["read"],"started_at":"2026-12-06T09:00:00Z","ends_at":"2026-12-06T10:00:00Z","last_seen":"0001-01-01T00:00:00Z","requests":0,"refused":0}`
	if err := c.HSet(ctx(t), "lockbox:{acme}:session:s_old", "doc", old, "last_seen", "1796547660000000", "requests", "7", "refused", "1").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.ZAdd(ctx(t), "lockbox:{acme}:sessions", redis.Z{Score: 1796547600000000, Member: "s_old"}).Err(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	if err := s.PutSession(ctx(t), store.Session{ID: "s_new", Tenant: "acme", Agent: store.Agent{Subject: "2", Issuer: "https://idp.example"},
		Scopes: []string{"read"}, StartedAt: t0.Add(time.Minute), EndsAt: t0.Add(time.Hour), LastSeen: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSession(ctx(t), "acme", "s_old")
	if err != nil || got.Agent.Subject != "1" || got.Requests != 7 || got.Refused != 1 {
		t.Fatalf("old session = %+v, %v", got, err)
	}
	list, _, err := s.Sessions(ctx(t), "acme", store.Page{})
	if err != nil || len(list) != 2 || list[0].ID != "s_new" || list[1].ID != "s_old" {
		t.Fatalf("Sessions = %+v, %v", list, err)
	}
	ended, err := s.EndSession(ctx(t), "acme", "s_old", t0.Add(2*time.Minute), store.SessionLogout)
	if err != nil || ended.EndReason != store.SessionLogout || ended.Agent.Subject != "1" {
		t.Fatalf("EndSession = %+v, %v", ended, err)
	}
}
