package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/redistest"
)

// lines returns the stored JSON of seqs first..last, as record takes it.
func lines(first, last int64) [][]byte {
	var out [][]byte
	for seq := first; seq <= last; seq++ {
		out = append(out, fmt.Appendf(nil, `{"seq":%d}`, seq))
	}
	return out
}

// TestTailsKeepOnlyWhatABucketNeeds checks a bucket is handed out only
// when this Store appended all of it, in one run, and what is kept stays
// bounded.
func TestTailsKeepOnlyWhatABucketNeeds(t *testing.T) {
	var ts tails
	ts.record("acme", 1, lines(1, 40))
	if got := ts.take("acme", 0); got != nil {
		t.Fatalf("bucket 0 handed out with 40 of 64 events")
	}
	ts.record("acme", 41, lines(41, 70))
	got := ts.take("acme", 0)
	if len(got) != bucketSize || string(got[0]) != `{"seq":1}` || string(got[63]) != `{"seq":64}` {
		t.Fatalf("bucket 0 = %d lines from %s", len(got), got[0])
	}
	if !ts.isDone("acme", 0) || ts.isDone("acme", 1) {
		t.Fatal("bucket 0 should count as compacting, bucket 1 not")
	}
	if ts.take("acme", 0) != nil {
		t.Fatal("bucket 0 handed out twice")
	}
	ts.failed("acme", 0)
	if ts.isDone("acme", 0) {
		t.Fatal("a failed bucket should be tried again")
	}

	// Another instance appended 71-80: the run restarts at 81, and bucket
	// 1 (65-128) must be read back from Redis.
	ts.record("acme", 81, lines(81, 130))
	if ts.take("acme", 1) != nil {
		t.Fatal("bucket 1 handed out though this Store missed 71-80")
	}

	// A chain started again (its audit deleted) is compacted again.
	ts.record("again", 1, lines(1, bucketSize))
	if ts.take("again", 0) == nil || !ts.isDone("again", 0) {
		t.Fatal("bucket 0 of again not handed out")
	}
	ts.record("again", 1, lines(1, 10))
	if ts.isDone("again", 0) {
		t.Fatal("bucket 0 of a chain started again counts as compacted")
	}

	// Skipped compactions leave at most two buckets of lines behind.
	ts.record("big", 1, lines(1, 5*bucketSize))
	if n := len(ts.m["big"].lines); n != 2*bucketSize {
		t.Fatalf("kept %d lines, want %d", n, 2*bucketSize)
	}
	if got := ts.take("big", 4); len(got) != bucketSize || string(got[0]) != fmt.Sprintf(`{"seq":%d}`, 4*bucketSize+1) {
		t.Fatalf("last bucket = %d lines", len(got))
	}

	for i := range 2 * maxTails {
		ts.record(fmt.Sprintf("t%d", i), 1, lines(1, 1))
	}
	if len(ts.m) > maxTails {
		t.Fatalf("%d tenants kept, want at most %d", len(ts.m), maxTails)
	}
}

// TestCompactScriptRefusesChangedBuckets runs the compaction script on a
// bucket whose first event was trimmed, and on one whose last event is
// not the one compacted (a chain deleted and written again): both are
// left as they are; only the bucket as compacted is replaced.
func TestCompactScriptRefusesChangedBuckets(t *testing.T) {
	c := redistest.Start(t).Client(t)
	ctx := context.Background()
	fill := func() {
		c.Del(ctx, "audit")
		for i, l := range lines(1, bucketSize) {
			c.HSet(ctx, "audit", strconv.Itoa(i+1), l)
		}
	}
	last := rawArg(lines(bucketSize, bucketSize)[0])
	run := func(lastArg any) string {
		res, err := compactScript.Run(ctx, c, []string{"audit"}, 1, bucketSize, lastArg, "b0", "blob").Text()
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	fill()
	c.HDel(ctx, "audit", "1")
	if got := run(&last); got != "changed" {
		t.Fatalf("trimmed bucket: %s, want changed", got)
	}
	fill()
	if got := run(`{"seq":64,"other":true}`); got != "changed" {
		t.Fatalf("other last event: %s, want changed", got)
	}
	if n := c.HLen(ctx, "audit").Val(); n != bucketSize {
		t.Fatalf("%d fields after refusals, want %d", n, bucketSize)
	}
	if got := run(&last); got != "ok" {
		t.Fatalf("bucket as compacted: %s, want ok", got)
	}
	if keys := c.HKeys(ctx, "audit").Val(); len(keys) != 1 || keys[0] != "b0" {
		t.Fatalf("fields = %v, want [b0]", keys)
	}
}
