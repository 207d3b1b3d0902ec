package checkpoint

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/notify"
)

// EventType is the webhook event type of a signed checkpoint.
const EventType = "audit.checkpoint"

// Run signs every tenant's head that moved, every interval until ctx
// ends; a failed round is logged and the next one tries again.
func (s *Service) Run(ctx context.Context, interval time.Duration, logger *zap.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.SignAll(ctx); err != nil && ctx.Err() == nil {
			logger.Error("signing audit checkpoints", zap.Error(err))
		}
	}
}

// Publisher returns a Publish hook that sends the audit.checkpoint
// webhook through p; the event id is the tenant and seq, so instances
// signing the same head send it once.
func Publisher(p notify.Publisher) func(context.Context, Signed) error {
	return func(ctx context.Context, cp Signed) error { return p.Publish(ctx, Event(cp)) }
}

// Event is the notification of a signed checkpoint.
func Event(cp Signed) notify.Event {
	return notify.Event{
		ID:     fmt.Sprintf("%s:%s:%d", EventType, cp.Tenant, cp.Seq),
		Tenant: cp.Tenant, Type: EventType, Time: cp.Time, Data: cp,
	}
}
