package tenantadmin

import (
	"context"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Bounds of a session's event scan. The chain is per tenant, not per
// session, so one call reads at most scanBatches batches and, when the
// page is not full by then, says where to go on.
const (
	scanBatches = 10
	// stragglers is how long after a session's end its last events may
	// still be appended (requests in flight, buffered audit writes).
	stragglers = time.Minute
)

// SessionEvents returns up to q.Size() audit events of session s within
// q, in order, scanning the tenant's chain from the session's start, and
// the AfterSeq to go on from (0 when the scan reached the end).
func SessionEvents(ctx context.Context, st store.Store, s store.Session, q store.EventQuery) ([]store.Event, int64, error) {
	scan := sessionScan(s, q)
	var out []store.Event
	for range scanBatches {
		batch, err := st.Events(ctx, s.Tenant, scan)
		if err != nil {
			return nil, 0, problem.Store(err)
		}
		for _, e := range batch {
			scan.AfterSeq = e.Seq
			if e.Session != s.ID {
				continue
			}
			if out = append(out, e); len(out) == q.Size() {
				return out, e.Seq, nil
			}
		}
		if len(batch) < scan.Size() {
			return out, 0, nil
		}
	}
	return out, scan.AfterSeq, nil
}

// sessionScan narrows q to the time the session's events can have: from
// its start (whole seconds, as backends may round) to a little after its
// end.
func sessionScan(s store.Session, q store.EventQuery) store.EventQuery {
	scan := store.EventQuery{AfterSeq: q.AfterSeq, Since: q.Since, Until: q.Until, Limit: store.MaxPageSize}
	if start := s.StartedAt.Truncate(time.Second); scan.Since.Before(start) {
		scan.Since = start
	}
	if s.EndedAt != nil {
		if last := s.EndedAt.Add(stragglers); scan.Until.IsZero() || scan.Until.After(last) {
			scan.Until = last
		}
	}
	return scan
}
