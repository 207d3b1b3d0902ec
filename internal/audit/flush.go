package audit

import (
	"context"
	"time"

	"github.com/lockbox-gw/lockbox/internal/backoff"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Run writes batches until Close. Store failures are retried with backoff.
func (w *Writer) Run(ctx context.Context) {
	w.mu.Lock()
	w.running = true
	w.mu.Unlock()
	defer close(w.done)
	tick := time.NewTicker(w.opt.Interval)
	defer tick.Stop()
	retry := backoff.New(50*time.Millisecond, 2*time.Second)
	wait := time.Duration(0)
	for {
		select {
		case <-w.stop:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.kick:
		}
		if wait > 0 {
			if !w.sleep(ctx, wait) {
				return
			}
		}
		w.flushing.Lock()
		ok := w.flush(ctx, flushTimed)
		w.flushing.Unlock()
		if ok {
			wait = 0
			retry.Reset()
		} else {
			wait = retry.Next()
		}
		// The interval counts from the last write, so under load writes
		// are full batches rather than full batches mixed with whatever a
		// tick finds just after one.
		tick.Reset(w.opt.Interval)
	}
}

func (w *Writer) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.urgent:
		return true
	case <-w.stop:
		return false
	case <-ctx.Done():
		return false
	}
}

// flushMode says which session activity a flush writes besides events.
type flushMode int

const (
	flushEvents flushMode = iota // none
	flushTimed                   // once per interval
	flushFinal                   // all
)

// flush writes every pending event, and the session activity as mode
// says, so a stream of small batches under group commit costs one round
// trip each; it reports whether the store took all. The caller holds
// w.flushing, so the buffers flush reuses from one flush to the next
// need no other lock.
func (w *Writer) flush(ctx context.Context, mode flushMode) bool {
	w.mu.Lock()
	batch := w.pending
	w.pending = w.spare
	touches := w.spareTouches
	if mode == flushFinal || mode == flushTimed && time.Since(w.touched) >= w.opt.Interval {
		touches, w.touches = w.touches, touches
		w.touched = time.Now()
	}
	w.mu.Unlock()

	ok := true
	var retry []item
	var one [1][]item
	for _, group := range byTenant(batch, one[:0]) {
		if err := w.append(ctx, group); err != nil {
			ok = false
			w.opt.OnError(err)
			retry = append(retry, w.fail(group, err)...)
		}
	}
	if !w.writeTouches(ctx, touches) {
		ok = false
	}
	clear(touches)
	w.spareTouches = touches
	w.spare = reuse(batch)
	if len(retry) > 0 {
		w.mu.Lock()
		w.pending = append(retry, w.pending...)
		w.mu.Unlock()
	}
	return ok
}

// reuse empties a written batch for the next one to fill, unless a
// backlog made it too big to keep.
func reuse(batch []item) []item {
	if cap(batch) > maxKept {
		return nil
	}
	clear(batch) // drop the events for the collector
	return batch[:0]
}

// maxKept is the largest batch array kept for reuse.
const maxKept = 8192

func (w *Writer) append(ctx context.Context, group []item) error {
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	events := w.events[:0]
	for _, it := range group {
		events = append(events, it.event)
	}
	_, err := w.store.AppendEvents(c, group[0].tenant, events...)
	clear(events)
	if cap(events) <= maxKept {
		w.events = events
	}
	if err != nil {
		return err
	}
	for _, it := range group {
		w.release(it, nil)
	}
	return nil
}

// fail answers the synchronous items of a failed group and returns the
// rest for another try.
func (w *Writer) fail(group []item, err error) []item {
	var keep []item
	for _, it := range group {
		if it.ack != nil {
			w.release(it, err)
			continue
		}
		keep = append(keep, it)
	}
	return keep
}

func (w *Writer) release(it item, err error) {
	if it.ack != nil {
		it.ack <- err
	}
	w.space <- struct{}{}
}

func (w *Writer) writeTouches(ctx context.Context, touches map[touchKey]store.Touch) bool {
	if len(touches) == 0 {
		return true
	}
	list := make([]store.Touch, 0, len(touches))
	for _, t := range touches {
		list = append(list, t)
	}
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := w.store.TouchSessions(c, list...); err != nil {
		w.opt.OnError(err)
		w.mu.Lock()
		for _, t := range list {
			w.addTouch(t)
		}
		w.mu.Unlock()
		return false
	}
	return true
}

// byTenant splits a batch into per-tenant groups, keeping order, and
// appends them to dst. A batch of one tenant is its own group, so with a
// dst of capacity one on the stack it costs no allocation.
func byTenant(batch []item, dst [][]item) [][]item {
	if len(batch) == 0 {
		return dst
	}
	if oneTenant(batch) {
		return append(dst, batch)
	}
	index := map[string]int{}
	groups := dst
	for _, it := range batch {
		i, ok := index[it.tenant]
		if !ok {
			i = len(groups)
			index[it.tenant] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], it)
	}
	return groups
}

func oneTenant(batch []item) bool {
	for _, it := range batch[1:] {
		if it.tenant != batch[0].tenant {
			return false
		}
	}
	return true
}

// Close stops taking events and writes what is pending, retrying until
// ctx ends. It returns ctx's error if events were left unwritten.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	<-w.doneOrNil()
	w.flushing.Lock()
	defer w.flushing.Unlock()
	retry := backoff.New(50*time.Millisecond, time.Second)
	for !w.flush(ctx, flushFinal) {
		if err := backoff.Wait(ctx, retry.Next()); err != nil {
			return err
		}
	}
	return nil
}

// doneOrNil waits for Run to return when it was started.
func (w *Writer) doneOrNil() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.running {
		c := make(chan struct{})
		close(c)
		return c
	}
	return w.done
}
