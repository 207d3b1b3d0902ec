package redisstore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
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

func TestBadRecordNames(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	cases := []struct{ name, kind, id string }{
		{"empty kind", "", "x"},
		{"empty id", "login", ""},
		{"colon in kind", "log:in", "x"},
		{"brace in kind", "{login}", "x"},
		{"long kind", strings.Repeat("k", 65), "x"},
		{"long id", "login", strings.Repeat("i", 513)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := s.PutRecord(ctx(t), c.kind, c.id, []byte("v"), time.Minute); err == nil {
				t.Error("PutRecord accepted it")
			}
			if _, err := s.GetRecord(ctx(t), c.kind, c.id); err == nil || errors.Is(err, store.ErrNotFound) {
				t.Errorf("GetRecord: err = %v, want a validation error", err)
			}
		})
	}
	if err := s.PutRecord(ctx(t), "login", "x", []byte("v"), -time.Second); err == nil {
		t.Error("PutRecord accepted a negative ttl")
	}
}
