package token

import (
	"fmt"
	"testing"
	"time"
)

func TestTokenCacheBounded(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newTokenCache(100)
	fresh := cached{raw: "t", renew: now.Add(time.Hour)}
	for i := range 250 {
		c.put(fmt.Sprint(i), fresh, now, time.Hour)
		if len(c.m) > 100 {
			t.Fatalf("cache holds %d entries, more than its bound", len(c.m))
		}
	}
	if _, ok := c.get("249"); !ok {
		t.Fatal("the newest entry was evicted")
	}
}

func TestTokenCacheSweepsStale(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newTokenCache(100)
	c.put("stale", cached{renew: now.Add(time.Minute)}, now, 5*time.Minute)
	c.put("fresh", cached{renew: now.Add(time.Hour)}, now, 5*time.Minute)
	c.put("new", cached{renew: now.Add(time.Hour)}, now.Add(6*time.Minute), 5*time.Minute)
	if _, ok := c.get("stale"); ok {
		t.Fatal("a token due for renewal survived the sweep")
	}
	if _, ok := c.get("fresh"); !ok {
		t.Fatal("the sweep dropped a fresh token")
	}
}

func TestTokenCacheFullOfStale(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newTokenCache(10)
	for i := range 10 {
		c.put(fmt.Sprint(i), cached{renew: now.Add(time.Second)}, now, time.Hour)
	}
	c.put("new", cached{renew: now.Add(time.Hour)}, now.Add(time.Minute), time.Hour)
	if len(c.m) != 1 {
		t.Fatalf("cache holds %d entries; the stale ones should have gone first", len(c.m))
	}
}
