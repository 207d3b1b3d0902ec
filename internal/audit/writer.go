// Package audit writes audit events in batches per tenant, in the order
// they were recorded. Record queues an event and returns; RecordDurable
// returns once the batch holding the event is in the store (group commit:
// callers waiting at once share one write). None is dropped: when the
// store is slow or down the writer retries queued events and, once its
// buffer is full, makes callers wait. Every event gets an id when queued,
// so a retried batch is not stored twice.
package audit

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit writer is closed")

// Options tune a Writer.
type Options struct {
	// Buffer is how many events may wait before Record blocks (default 65536).
	Buffer int
	// Interval is how long an event may wait to join a batch (default 50ms).
	Interval time.Duration
	// Batch is the pending count that starts a write at once (default
	// 512: at ten thousand agent requests a second, a write every 50ms,
	// each keeping Redis busy for a few milliseconds at most).
	Batch int
	// OnError is told of store failures; the writer keeps retrying.
	OnError func(error)
}

// Writer batches events into the store.
type Writer struct {
	store  store.Store
	opt    Options
	space  chan struct{} // a token per free buffer slot
	kick   chan struct{}
	urgent chan struct{} // a caller waits: cut a backoff short
	stop   chan struct{}
	done   chan struct{}

	// flushing is held by whoever writes a batch: Run's loop, Close, or
	// a caller of RecordDurable that found no write under way.
	flushing sync.Mutex

	mu      sync.Mutex
	pending []item
	touches map[touchKey]store.Touch
	touched time.Time // when touches were last written
	closed  bool
	running bool

	// Buffers only flush uses, kept from one flush to the next.
	spare        []item
	spareTouches map[touchKey]store.Touch
	events       []store.Event
}

// item is one event waiting to be written.
type item struct {
	tenant string
	event  store.Event
	ack    chan error // set for RecordSync
}

type touchKey struct{ tenant, id string }

// NewWriter returns a writer; call Run to start it and Close to finish.
func NewWriter(s store.Store, o Options) *Writer {
	if o.Buffer <= 0 {
		o.Buffer = 65536
	}
	if o.Interval <= 0 {
		o.Interval = 50 * time.Millisecond
	}
	if o.Batch <= 0 {
		o.Batch = 512
	}
	if o.OnError == nil {
		o.OnError = func(error) {}
	}
	w := &Writer{
		store: s, opt: o,
		space:   make(chan struct{}, o.Buffer),
		kick:    make(chan struct{}, 1),
		urgent:  make(chan struct{}, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		touches: map[touchKey]store.Touch{},

		spareTouches: map[touchKey]store.Touch{},
	}
	for range o.Buffer {
		w.space <- struct{}{}
	}
	return w
}

// Record queues an event for the tenant and, when touch is set, the
// session activity it stands for. It blocks only while the buffer is full.
func (w *Writer) Record(ctx context.Context, tenant string, e store.Event, touch *store.Touch) error {
	return w.enqueue(ctx, item{tenant: tenant, event: e}, touch)
}

// RecordSync queues an event and waits until it is written. Events
// recorded before it for the same tenant are written first. If the store
// refuses it, the event is dropped and the error returned, so the caller
// can refuse what the event would have recorded.
func (w *Writer) RecordSync(ctx context.Context, tenant string, e store.Event) error {
	return w.RecordDurable(ctx, tenant, e, nil)
}

// RecordDurable is RecordSync that also notes the session activity the
// event stands for. Callers waiting at once share one write (group
// commit): the batch under way when they arrive is followed at once by
// one holding all of theirs; a caller that finds no write under way
// writes the batch itself, sparing two goroutine hand-offs. A write that fails answers at once, even
// while the writer is backing off from an earlier failure: the store
// being down is noticed by the very request that needs it.
func (w *Writer) RecordDurable(ctx context.Context, tenant string, e store.Event, touch *store.Touch) error {
	ack := acks.Get().(chan error)
	if err := w.enqueue(ctx, item{tenant: tenant, event: e, ack: ack}, touch); err != nil {
		acks.Put(ack) // never queued, so never answered
		return err
	}
	if w.flushing.TryLock() {
		// No write is under way: write the batch holding this event from
		// here rather than hand it to Run and wait for Run to be
		// scheduled, and again for this goroutine to be woken. Session
		// activity is left to Run, so this costs one round trip.
		// Other callers' events share the write: it must not end with
		// this caller's context.
		w.flush(context.Background(), flushEvents)
		w.flushing.Unlock()
		if w.hasPending() {
			w.nudge() // callers that came during the write wait for Run
		}
	} else {
		w.nudge()
		w.wake()
	}
	select {
	case err := <-ack:
		acks.Put(ack) // answered once, so empty again
		return err
	case <-ctx.Done():
		return ctx.Err() // the answer may still come: not reused
	}
}

// acks holds answer channels for reuse: a durable record waits on one,
// and every agent request under audit strict makes one.
var acks = sync.Pool{New: func() any { return make(chan error, 1) }}

func (w *Writer) enqueue(ctx context.Context, it item, touch *store.Touch) error {
	if it.event.ID == "" {
		// Given once, here, so every retry of its append carries the same
		// id and the store writes it at most once.
		it.event.ID = store.NewEventID()
	}
	select {
	case <-w.space:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.stop:
		return ErrClosed
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		w.space <- struct{}{}
		return ErrClosed
	}
	w.pending = append(w.pending, it)
	if touch != nil {
		w.addTouch(*touch)
	}
	n := len(w.pending)
	w.mu.Unlock()
	if n >= w.opt.Batch {
		w.nudge()
	}
	return nil
}

func (w *Writer) hasPending() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending) > 0
}

func (w *Writer) addTouch(t store.Touch) {
	k := touchKey{t.Tenant, t.ID}
	old := w.touches[k]
	if old.LastSeen.After(t.LastSeen) {
		t.LastSeen = old.LastSeen
	}
	t.Requests += old.Requests
	t.Refused += old.Refused
	w.touches[k] = t
}

func (w *Writer) wake() {
	select {
	case w.urgent <- struct{}{}:
	default:
	}
}

func (w *Writer) nudge() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}
