package metrics

import (
	"context"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// StoreReadings are the gauges of one app over its store: sessions open
// in st that started within the longest session a site allows, audit
// events queued, the outbox backlog, and how long ago the change feed
// was heard when st was opened through Instrument (raw, the store as
// opened; st may wrap it).
func StoreReadings(st, raw store.Store, queued func() int, longestSession func() time.Duration) Readings {
	r := Readings{
		ActiveSessions: func(ctx context.Context) (int, error) {
			now := time.Now()
			return OpenSessions(ctx, st, now, now.Add(-longestSession()))
		},
		AuditQueue: queued,
		FeedAge:    func() (time.Duration, bool) { return 0, false },
		Outbox: func(ctx context.Context) ([]OutboxCount, error) {
			return OutboxBacklog(ctx, st)
		},
	}
	if is, ok := raw.(*Store); ok {
		r.FeedAge = func() (time.Duration, bool) { return is.FeedAge(time.Now()) }
	}
	return r
}
