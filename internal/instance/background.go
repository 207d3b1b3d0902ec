package instance

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"
)

// warmTimeout bounds loading the signing keys at start.
const warmTimeout = 10 * time.Second

// background runs an instance's loops from Start until Stop.
type background struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// start runs loop in its own goroutine until stop.
func (b *background) start(loop func(ctx context.Context)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel == nil {
		b.ctx, b.cancel = context.WithCancel(context.Background())
	}
	ctx := b.ctx
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		loop(ctx)
	}()
}

// stop ends every loop and waits for them, so none touches the store
// after the instance has stopped.
func (b *background) stop() {
	b.mu.Lock()
	cancel := b.cancel
	b.cancel = nil
	b.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	b.wg.Wait()
}

// warmKeys loads the signing keys, generating them on the very first
// start, so the first request does not wait for it. A failure is only a
// warning: the keys load again on first use.
func (i *Instance) warmKeys(ctx context.Context) {
	c, cancel := context.WithTimeout(ctx, warmTimeout)
	defer cancel()
	if err := i.keys.Load(c); err != nil && ctx.Err() == nil {
		i.logger.Warn("signing keys not loaded yet; they load on first use", zap.Error(err))
	}
}
