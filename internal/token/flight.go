package token

import "sync"

// flight runs one reload at a time and hands its result to every caller
// that asked meanwhile, so a burst of requests after Invalidate costs one
// store read, and a store outage one timeout, not one per request.
type flight struct {
	mu   sync.Mutex
	call *flightCall
}

// flightCall is one reload in progress.
type flightCall struct {
	done chan struct{}
	st   *keyState
	err  error
}

// do runs fn, or waits for the run already in progress.
func (f *flight) do(fn func() (*keyState, error)) (*keyState, error) {
	f.mu.Lock()
	if c := f.call; c != nil {
		f.mu.Unlock()
		<-c.done
		return c.st, c.err
	}
	c := &flightCall{done: make(chan struct{})}
	f.call = c
	f.mu.Unlock()

	c.st, c.err = fn()

	f.mu.Lock()
	f.call = nil
	f.mu.Unlock()
	close(c.done)
	return c.st, c.err
}
