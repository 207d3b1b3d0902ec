package redisstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/redistest"
)

// idAppender runs the append script with one event per id and a small
// window and generation, so the generations of recent ids can be watched
// turning over without writing DedupeMax events.
type idAppender struct {
	t      *testing.T
	c      *redis.Client
	keys   tenantKeys
	head   string
	seq    int
	window time.Duration
	gen    int
}

// add appends events with ids and returns the ids the script reported as
// already appended (nil when it appended them all).
func (a *idAppender) add(ids ...string) []string {
	a.t.Helper()
	next := fmt.Sprintf("head-%d", a.seq+len(ids))
	args := []any{a.head, next, len(ids)}
	for i := range ids {
		args = append(args, a.seq+i+1, fmt.Sprintf(`{"seq":%d}`, a.seq+i+1))
	}
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, a.window.Milliseconds(), a.gen)
	keys := []string{a.keys.audit(), a.keys.auditHead(), a.keys.auditIDs(), a.keys.auditIDsOld(), a.keys.auditIDsLegacy()}
	res, err := appendScript.Run(context.Background(), a.c, keys, args...).StringSlice()
	switch {
	case err != nil:
		a.t.Fatalf("append %v: %v", ids, err)
	case len(res) > 1 && res[0] == "dup":
		return res[1:]
	case len(res) != 1 || res[0] != "ok":
		a.t.Fatalf("append %v = %q", ids, res)
	}
	a.head, a.seq = next, a.seq+len(ids)
	return nil
}

// TestRecentIDGenerations: a retried id is found in the generation being
// filled and in the one before it; a generation turns over when full or
// when older than the window, and expires two windows after it began; the
// sorted set of earlier versions goes with the first turnover.
func TestRecentIDGenerations(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	k := keysOf("acme")
	if err := c.ZAdd(ctx, k.auditIDsLegacy(), redis.Z{Score: 1, Member: "legacy"}).Err(); err != nil {
		t.Fatal(err)
	}
	a := &idAppender{t: t, c: c, keys: k, window: time.Hour, gen: 3}

	if dups := a.add("a", "b", "c"); dups != nil {
		t.Fatalf("first append: dups %v", dups)
	}
	ttl := c.PTTL(ctx, k.auditIDs()).Val()
	if ttl <= time.Hour || ttl > 2*time.Hour {
		t.Fatalf("a new generation expires in %v, want two windows", ttl)
	}
	if dups := a.add("d", "b"); !slices.Equal(dups, []string{"b"}) {
		t.Fatalf("retry of b in the current generation: dups %v", dups)
	}
	a.add("d") // full at 3: turns over before d is added
	if got := members(t, c, k.auditIDsOld()); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("previous generation = %v", got)
	}
	if n := c.Exists(ctx, k.auditIDsLegacy()).Val(); n != 0 {
		t.Fatal("the sorted set of earlier versions outlived a turnover")
	}
	if dups := a.add("e", "a"); !slices.Equal(dups, []string{"a"}) {
		t.Fatalf("retry of a from the previous generation: dups %v", dups)
	}
	a.add("e", "f")
	a.add("g") // d e f full: a b c forgotten
	if dups := a.add("a"); dups != nil {
		t.Fatalf("a two generations back still counted: dups %v", dups)
	}

	// A generation older than the window turns over however small.
	if err := c.PExpire(ctx, k.auditIDs(), time.Hour-time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	a.add("h")
	if got := members(t, c, k.auditIDsOld()); !slices.Equal(got, []string{"a", "g"}) {
		t.Fatalf("previous generation after the window = %v", got)
	}
	if got := members(t, c, k.auditIDs()); !slices.Equal(got, []string{"h"}) {
		t.Fatalf("current generation after the window = %v", got)
	}
	if dups := a.add("g", "i"); !slices.Equal(dups, []string{"g"}) {
		t.Fatalf("retry of g after a turnover by age: dups %v", dups)
	}
	if n := c.HLen(ctx, k.audit()).Val(); n != int64(a.seq) {
		t.Fatalf("%d events stored, want %d", n, a.seq)
	}
}

// members returns the ids a generation holds, sorted.
func members(t *testing.T, c *redis.Client, key string) []string {
	t.Helper()
	got, err := c.HKeys(context.Background(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}
