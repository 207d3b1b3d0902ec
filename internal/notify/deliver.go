package notify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// settleTimeout bounds the store write that records an attempt's
// outcome, also while shutting down.
const settleTimeout = 5 * time.Second

// deliver makes one attempt to send a claimed notification and records
// the outcome. ctx ends only when the worker shuts down.
func (n *Notifier) deliver(ctx context.Context, note store.Notification) {
	attempt, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	err := n.send(attempt, note)
	cancel()
	n.settle(ctx, note, err)
}

// send makes one attempt by the notification's channel.
func (n *Notifier) send(ctx context.Context, note store.Notification) error {
	switch note.Kind {
	case KindWebhook:
		return n.sendWebhook(ctx, note)
	case KindEmail:
		if n.cfg.Email == nil {
			return errors.New("no email sender is configured here")
		}
		return n.cfg.Email.Deliver(ctx, note)
	}
	// Perhaps a newer instance knows it: retry until the max age.
	return fmt.Errorf("unknown notification kind %q", note.Kind)
}

// settle records the outcome of an attempt: delivered, given up, or due
// again after a backoff. An attempt cut short by shutdown is due again at
// once, for any worker.
func (n *Notifier) settle(ctx context.Context, note store.Notification, err error) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	now := n.now()
	log := n.log.With(zap.String("id", note.ID), zap.String("tenant", note.Tenant), zap.String("event", note.Event),
		zap.String("kind", note.Kind), zap.String("target", note.Target), zap.Int("attempt", note.Attempts))
	var serr error
	switch {
	case err == nil:
		serr = n.outbox.CompleteNotification(sctx, note.Lease(), now)
		log.Debug("notify: delivered")
	case ctx.Err() != nil:
		serr = n.outbox.RetryNotification(sctx, note.Lease(), now, "")
		log.Info("notify: delivery interrupted by shutdown; handed back", zap.Error(err))
	case IsPermanent(err):
		serr = n.outbox.FailNotification(sctx, note.Lease(), now, err.Error())
		log.Error("notify: delivery failed for good", zap.Error(err))
	default:
		next, ok := n.nextAttempt(note, err, now)
		if !ok {
			msg := fmt.Sprintf("gave up after %d attempts: %v", note.Attempts, err)
			serr = n.outbox.FailNotification(sctx, note.Lease(), now, msg)
			log.Error("notify: delivery given up", zap.Error(err))
			break
		}
		serr = n.outbox.RetryNotification(sctx, note.Lease(), next, err.Error())
		log.Warn("notify: delivery failed; will retry", zap.Error(err), zap.Time("next_at", next))
	}
	if errors.Is(serr, store.ErrLeaseLost) {
		log.Warn("notify: attempt outlived its lease; another worker has the notification")
	} else if serr != nil {
		log.Error("notify: recording the outcome failed; the notification is sent again when its lease ends", zap.Error(serr))
	}
}

// nextAttempt returns when to try again after attempt note.Attempts
// failed with err: the backoff for that attempt plus jitter, or later if
// the receiver asked. false if that is past the notification's max age.
func (n *Notifier) nextAttempt(note store.Notification, err error, now time.Time) (time.Time, bool) {
	d := n.cfg.Backoff[min(max(note.Attempts, 1), len(n.cfg.Backoff))-1]
	d += rand.N(d/5 + 1)
	var later *retryLater
	if errors.As(err, &later) {
		d = max(d, later.after)
	}
	next := now.Add(d)
	return next, !next.After(note.CreatedAt.Add(n.cfg.MaxAge))
}
