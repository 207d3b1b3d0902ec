package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// moveDay archives the day of the oldest event in the store, if it ends
// by cut, then trims it from the store. more reports that a day moved and
// another may follow.
func (m *Mover) moveDay(ctx context.Context, l *store.RetentionLease, cut time.Time) (moved int64, more bool, err error) {
	anchor, err := m.ret.AuditAnchor(ctx, l.Tenant)
	if err != nil {
		return 0, false, err
	}
	first, err := m.cfg.Store.Events(ctx, l.Tenant, store.EventQuery{AfterSeq: anchor.Seq, Limit: 1})
	if err != nil || len(first) == 0 || !first[0].Time.Before(cut) {
		return 0, false, err
	}
	if e := first[0]; e.Seq != anchor.Seq+1 || e.PrevHash != anchor.Hash {
		return 0, false, fmt.Errorf("the oldest stored event %d does not link to the last archived event %d; nothing moved", e.Seq, anchor.Seq)
	}
	day := Day(first[0].Time)
	stops, err := m.archiveDay(ctx, l.Tenant, day, anchor)
	if err != nil {
		return 0, false, err
	}
	if m.beforeTrim != nil {
		if err := m.beforeTrim(l.Tenant, day); err != nil {
			return 0, false, err
		}
	}
	for _, to := range stops {
		renewed, err := m.ret.LeaseRetention(ctx, l.Tenant, l.Holder, m.cfg.Now(), m.cfg.Lease)
		if err != nil {
			return moved, false, err
		}
		*l = renewed
		if err := m.ret.TrimEvents(ctx, *l, m.cfg.Now(), to); err != nil {
			return moved, false, err
		}
		moved += to.Seq - anchor.Seq
		anchor = to
	}
	return moved, true, nil
}

// archiveDay writes the store's events of day, from after anchor, to the
// archive and returns where to trim: a head at least every
// store.MaxTrim events, the last being the day's last event.
func (m *Mover) archiveDay(ctx context.Context, tenant string, day time.Time, anchor store.Head) ([]store.Head, error) {
	end := day.Add(24 * time.Hour)
	after, from, done := anchor.Seq, anchor.Seq, false
	var stops []store.Head
	next := func() ([]store.Event, error) {
		if done {
			return nil, nil
		}
		batch, err := m.cfg.Store.Events(ctx, tenant, store.EventQuery{AfterSeq: after, Until: end.Add(-time.Microsecond), Limit: store.MaxTrim})
		if err != nil {
			return nil, err
		}
		if len(batch) == 0 {
			done = true
			return nil, m.checkDayEnd(ctx, tenant, after)
		}
		for i, e := range batch {
			if e.Seq != after+int64(i)+1 {
				return nil, fmt.Errorf("the store has a gap before event %d", e.Seq)
			}
			if e.Seq-from == store.MaxTrim {
				stops = append(stops, headOf(e))
				from = e.Seq
			}
		}
		after = batch[len(batch)-1].Seq
		if done = len(batch) < store.MaxTrim; done {
			if err := m.checkDayEnd(ctx, tenant, after); err != nil {
				return nil, err
			}
		}
		return batch, nil
	}
	last, err := m.cfg.Archive.AppendDay(tenant, day, next)
	if err != nil {
		return nil, err
	}
	if last.Seq != after {
		return nil, fmt.Errorf("archive of %s ends at event %d but the store's day ends at %d", day.Format("2006-01-02"), last.Seq, after)
	}
	if after > from {
		stops = append(stops, last)
	}
	return stops, nil
}

// checkDayEnd checks that the event after last, if any, is still in the
// store: a day's file is written only with every event of the day, so a
// mover that raced another one's trim never replaces a whole file with
// part of it.
func (m *Mover) checkDayEnd(ctx context.Context, tenant string, last int64) error {
	next, err := m.cfg.Store.Events(ctx, tenant, store.EventQuery{AfterSeq: last, Limit: 1})
	if err != nil {
		return err
	}
	if len(next) == 1 && next[0].Seq == last+1 {
		return nil
	}
	head, err := m.cfg.Store.AuditHead(ctx, tenant)
	if err != nil {
		return err
	}
	if len(next) == 0 && head.Seq == last {
		return nil
	}
	return fmt.Errorf("%w: events after %d left the store while archiving", errMovedElsewhere, last)
}

func headOf(e store.Event) store.Head { return store.Head{Seq: e.Seq, Hash: e.Hash, Time: e.Time} }
