package caddymodule

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// publishers holds, per store, the store wrapped to publish appended
// events and the notifier it publishes through, shared across reloads
// like the audit writer: the writer outlives a reload, so what it appends
// must reach the notifier of the config now running, with that config's
// webhooks and email settings, not the one that started the writer.
var publishers = caddy.NewUsagePool()

// pooledPublisher is a store that publishes its appended events, and the
// notifier it publishes through.
type pooledPublisher struct {
	store store.Store
	pub   *currentNotifier
}

// Destruct implements caddy.Destructor; the store itself is released
// with the store pool.
func (pooledPublisher) Destruct() error { return nil }

// errNoNotifier is returned for events appended before any config using
// the store has started.
var errNoNotifier = errors.New("no notifier has started yet")

// currentNotifier publishes through the notifier of the config that
// started last. It implements notify.Publisher.
type currentNotifier struct {
	n atomic.Pointer[notify.Notifier]
}

// Publish publishes e through the current notifier.
func (c *currentNotifier) Publish(ctx context.Context, e notify.Event) error {
	n := c.n.Load()
	if n == nil {
		return errNoNotifier
	}
	return n.Publish(ctx, e)
}

// use makes n the current notifier.
func (c *currentNotifier) use(n *notify.Notifier) { c.n.Store(n) }

// useFirst makes n the current notifier if there is none yet.
func (c *currentNotifier) useFirst(n *notify.Notifier) { c.n.CompareAndSwap(nil, n) }

// acquirePublisher returns st at k wrapped to publish appended events,
// and the notifier it publishes through, made on first use. Every call
// must be paired with releasePublisher.
func acquirePublisher(k poolKey, st store.Store) pooledPublisher {
	val, _, _ := publishers.LoadOrNew(k, func() (caddy.Destructor, error) {
		pub := new(currentNotifier)
		return pooledPublisher{store: notify.Bridge(st, pub, caddy.Log().Named("lockbox.notify")), pub: pub}, nil
	})
	return val.(pooledPublisher)
}

// releasePublisher drops one use of the publisher at k.
func releasePublisher(k poolKey) error {
	_, err := publishers.Delete(k)
	return err
}
