package redisstore_test

import (
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestRecordTTLIsSetInRedis(t *testing.T) {
	srv := redistest.Start(t)
	s, raw := testkit.Redis(t, srv.URL()), srv.Client(t)
	const key = "lockbox:rec:login:x"
	pttl := func() time.Duration {
		t.Helper()
		d, err := raw.PTTL(ctx(t), key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	within := func(what string, want time.Duration) {
		t.Helper()
		if d := pttl(); d <= 0 || d > want || d < want-time.Minute {
			t.Fatalf("%s: PTTL %s, want about %s", what, d, want)
		}
	}
	if err := s.PutRecord(ctx(t), "login", "x", []byte("one"), 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	within("PutRecord", 10*time.Minute)
	if ok, err := s.SwapRecord(ctx(t), "login", "x", []byte("one"), []byte("two"), 20*time.Minute); !ok || err != nil {
		t.Fatalf("SwapRecord = %v, %v", ok, err)
	}
	within("SwapRecord", 20*time.Minute)
	if ok, err := s.SwapRecord(ctx(t), "login", "x", []byte("two"), []byte("three"), 0); !ok || err != nil {
		t.Fatalf("SwapRecord = %v, %v", ok, err)
	}
	if d := pttl(); d != -1 {
		t.Fatalf("SwapRecord with ttl 0: PTTL %s, want none", d)
	}
	if err := s.DeleteRecord(ctx(t), "login", "x"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.CreateRecord(ctx(t), "login", "x", []byte("four"), 30*time.Minute); !ok || err != nil {
		t.Fatalf("CreateRecord = %v, %v", ok, err)
	}
	within("CreateRecord", 30*time.Minute)
}

func TestShortRecordTTLIsNotDropped(t *testing.T) {
	srv := redistest.Start(t)
	s, raw := testkit.Redis(t, srv.URL()), srv.Client(t)
	if err := s.PutRecord(ctx(t), "login", "x", []byte("one"), time.Hour); err != nil {
		t.Fatal(err)
	}
	// Less than a millisecond must still expire, not become "keep".
	if ok, err := s.SwapRecord(ctx(t), "login", "x", []byte("one"), []byte("two"), time.Microsecond); !ok || err != nil {
		t.Fatalf("SwapRecord = %v, %v", ok, err)
	}
	if d := raw.PTTL(ctx(t), "lockbox:rec:login:x").Val(); d == -1 {
		t.Fatal("a sub-millisecond ttl became no expiry")
	}
}
