package notify

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/backoff"
)

// maxErrorWait bounds the wait between claims while the store fails.
const maxErrorWait = 30 * time.Second

// Run sends due notifications until ctx ends: it claims as many as it has
// free delivery slots, sends them concurrently and settles each. When ctx
// ends it stops claiming, cancels the deliveries in flight, hands their
// notifications back to be sent at once by any worker, and returns. Any
// number of workers, here or in other processes sharing the store, may
// run at once.
func (n *Notifier) Run(ctx context.Context) {
	sends, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w := &worker{
		n:     n,
		sends: sends,
		slots: make(chan struct{}, n.cfg.Concurrency),
		freed: make(chan struct{}, 1),
		retry: backoff.New(n.cfg.Poll, maxErrorWait),
	}
	defer func() {
		cancel()
		w.wg.Wait()
	}()
	for wait := time.Duration(0); w.pause(ctx, wait); {
		wait = w.round(ctx)
	}
}

// Start runs Run in the background. stop ends it and returns once every
// delivery in flight is settled.
func (n *Notifier) Start() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// worker is one Run's state.
type worker struct {
	n     *Notifier
	sends context.Context // outlives Run's ctx until Run returns
	slots chan struct{}   // a token per delivery in flight
	freed chan struct{}   // signalled when a delivery ends
	wg    sync.WaitGroup
	retry *backoff.Backoff // spaces out claims while the store fails
}

// pause waits d, or less if woken; false once ctx has ended.
func (w *worker) pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	case <-w.n.kick:
	case <-w.freed:
	}
	return true
}

// round claims due notifications for the free slots and starts sending
// them. It returns how long to wait before the next round.
func (w *worker) round(ctx context.Context) time.Duration {
	free := cap(w.slots) - len(w.slots)
	if free == 0 {
		return w.n.cfg.Poll // a delivery ending wakes the worker sooner
	}
	batch, err := w.n.outbox.ClaimNotifications(ctx, w.n.now(), w.n.cfg.Lease, free)
	if err != nil {
		if ctx.Err() != nil {
			return 0
		}
		wait := w.retry.Next()
		w.n.log.Warn("notify: claiming notifications", zap.Error(err), zap.Duration("retry_in", wait))
		return wait
	}
	w.retry.Reset()
	for _, note := range batch {
		w.slots <- struct{}{} // never blocks: at most free were claimed
		w.wg.Go(func() {
			defer w.release()
			w.n.deliver(w.sends, note)
		})
	}
	if len(batch) == free {
		return 0 // more may be due
	}
	return w.n.cfg.Poll
}

// release frees a delivery slot and wakes the worker.
func (w *worker) release() {
	<-w.slots
	select {
	case w.freed <- struct{}{}:
	default:
	}
}
