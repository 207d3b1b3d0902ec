package redisstore

import "sync"

// maxTails bounds how many tenants' recent events a Store keeps for
// compaction; past it one is dropped and its next bucket is read back from
// Redis instead.
const maxTails = 256

// tails keeps, per tenant, the stored JSON of the events this Store
// appended last, consecutive by seq, so compacting a bucket it wrote
// whole needs no read from Redis: under load that read cost as much
// Redis and gateway CPU as the appends themselves. The compaction script
// still checks the stored events are exactly these before it replaces
// them.
type tails struct {
	mu sync.Mutex
	m  map[string]*tail
}

// tail is a run of consecutive events: lines[i] is the stored JSON of seq
// start+i.
type tail struct {
	start int64
	lines [][]byte
	// compacted is one past the last bucket this Store compacted or is
	// compacting, so the retry of the bucket before each new one costs
	// nothing.
	compacted int64
}

// record notes the events an append wrote, first at seq first. A run that
// does not continue the kept one (another instance appended in between)
// starts a new one.
func (ts *tails) record(tenant string, first int64, encoded [][]byte) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.m == nil {
		ts.m = map[string]*tail{}
	}
	t := ts.m[tenant]
	if t == nil || t.start+int64(len(t.lines)) != first {
		if t == nil && len(ts.m) >= maxTails {
			for k := range ts.m {
				delete(ts.m, k)
				break
			}
		}
		t = &tail{start: first, compacted: compactedOf(t, first)}
		ts.m[tenant] = t
	}
	t.lines = append(t.lines, encoded...)
	// Compactions skipped while too many were in flight leave whole
	// buckets behind: those are read back from Redis when retried.
	if over := len(t.lines) - 2*bucketSize; over > 0 {
		t.drop(t.start + int64(over))
	}
}

// take returns the stored JSON of bucket b's events, if this Store kept
// all of them, and forgets everything up to the bucket's end.
func (ts *tails) take(tenant string, b int64) [][]byte {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.m[tenant]
	if t == nil {
		return nil
	}
	first, end := b*bucketSize+1, (b+1)*bucketSize+1
	if t.start > first || t.start+int64(len(t.lines)) < end {
		return nil
	}
	lines := t.lines[first-t.start : end-t.start]
	t.drop(end)
	t.compacted = max(t.compacted, b+1)
	return lines
}

// compactedOf is what t knows to be compacted, for a new run starting at
// seq first; 0 for no tail, or when the chain started again (a tenant's
// audit deleted), as seqs then go back.
func compactedOf(t *tail, first int64) int64 {
	if t == nil || first < t.start {
		return 0
	}
	return t.compacted
}

// done notes that bucket b of tenant is compacted.
func (ts *tails) done(tenant string, b int64) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t := ts.m[tenant]; t != nil && b >= t.compacted {
		t.compacted = b + 1
	}
}

// failed notes that compacting bucket b of tenant failed, so the next
// compaction tries it again, reading it back.
func (ts *tails) failed(tenant string, b int64) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t := ts.m[tenant]; t != nil && b < t.compacted {
		t.compacted = b
	}
}

// isDone reports whether this Store compacted, or is compacting, bucket b
// of tenant.
func (ts *tails) isDone(tenant string, b int64) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.m[tenant]
	return t != nil && b < t.compacted
}

// drop forgets the events before seq.
func (t *tail) drop(seq int64) {
	if n := seq - t.start; n > 0 {
		n = min(n, int64(len(t.lines)))
		t.lines = append([][]byte(nil), t.lines[n:]...)
		t.start += n
	}
}

// forget drops what is kept for tenant, when its chain may have changed
// under it (trimmed or deleted).
func (ts *tails) forget(tenant string) {
	ts.mu.Lock()
	delete(ts.m, tenant)
	ts.mu.Unlock()
}
