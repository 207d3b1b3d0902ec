package store

import (
	"context"
	"fmt"
)

// Verification is the outcome of walking a tenant's audit chain.
type Verification struct {
	Tenant string `json:"tenant"`
	// Events is how many events were checked.
	Events int64 `json:"events"`
	// OK is true when every link holds.
	OK bool `json:"ok"`
	// BrokenAt is the Seq of the first event that does not hold.
	BrokenAt int64 `json:"broken_at,omitempty"`
	// Problem says what is wrong with it.
	Problem string `json:"problem,omitempty"`
	// Head is the hash of the chain's last event.
	Head string `json:"head,omitempty"`
	// From is the seq of the last event moved out of the store (the
	// anchor) the walk started after; zero when nothing was moved.
	From int64 `json:"from,omitempty"`
}

// Verify walks the tenant's chain from the first event kept in the store
// (linked to the anchor, see Retention) to the head it
// reads first (events appended meanwhile are left for the next run) and
// reports the first link that does not hold: an event whose content no
// longer matches its hash, whose prev_hash does not match the event before
// it, or a gap in the sequence.
func Verify(ctx context.Context, s Store, tenant string) (Verification, error) {
	v := Verification{Tenant: tenant, OK: true}
	head, err := s.AuditHead(ctx, tenant)
	if err != nil {
		return v, err
	}
	prev, err := auditAnchor(ctx, s, tenant)
	if err != nil {
		return v, err
	}
	v.From = prev.Seq
walk:
	for prev.Seq < head.Seq {
		batch, err := s.Events(ctx, tenant, EventQuery{AfterSeq: prev.Seq, Limit: MaxPageSize})
		if err != nil {
			return v, err
		}
		for _, e := range batch {
			if e.Seq > head.Seq {
				break walk
			}
			if problem := checkLink(prev, tenant, e); problem != "" {
				v.OK, v.BrokenAt, v.Problem = false, e.Seq, problem
				return v, nil
			}
			v.Events++
			prev = Head{Seq: e.Seq, Hash: e.Hash, Time: e.Time}
		}
		if len(batch) == 0 {
			break
		}
	}
	v.Head = prev.Hash
	if prev.Seq != head.Seq || prev.Hash != head.Hash {
		v.OK, v.BrokenAt = false, prev.Seq+1
		v.Problem = fmt.Sprintf("chain ends at seq %d but the head records seq %d", prev.Seq, head.Seq)
	}
	return v, nil
}

func checkLink(prev Head, tenant string, e Event) string {
	switch {
	case e.Seq != prev.Seq+1:
		return fmt.Sprintf("expected seq %d, found %d", prev.Seq+1, e.Seq)
	case e.Tenant != tenant:
		return fmt.Sprintf("event belongs to tenant %q", e.Tenant)
	case e.PrevHash != prev.Hash:
		return "prev_hash does not match the previous event's hash"
	}
	h, err := e.ComputeHash()
	if err != nil || h != e.Hash {
		return "content does not match its hash (the event was changed)"
	}
	return ""
}
