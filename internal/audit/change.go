package audit

import (
	"context"
	"slices"
	"time"

	"github.com/lockbox-gw/lockbox/internal/backoff"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// ChangePatience is how long AppendChange keeps trying: a Redis failover
// or restart takes seconds.
const ChangePatience = 10 * time.Second

// changeRetries spaces AppendChange's tries.
var changeRetries = backoff.Policy{Base: 50 * time.Millisecond, Cap: time.Second}

// AppendChange appends the events of a change already made in the store,
// such as a grant put or an admin list set, which cannot be taken back.
// Each event gets its id once, so a retry after a failure or a lost reply
// writes it at most once; failures are retried for ChangePatience. The
// caller's context only carries values: a client that hangs up once the
// change is made does not keep it out of the trail.
func AppendChange(ctx context.Context, st store.Store, tenant string, events ...store.Event) ([]store.Event, error) {
	events = slices.Clone(events)
	for i := range events {
		if events[i].ID == "" {
			events[i].ID = store.NewEventID()
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ChangePatience)
	defer cancel()
	for attempt := 0; ; attempt++ {
		stored, err := st.AppendEvents(ctx, tenant, events...)
		if err == nil {
			return stored, nil
		}
		if backoff.Wait(ctx, changeRetries.Delay(attempt)) != nil {
			return nil, err
		}
	}
}
