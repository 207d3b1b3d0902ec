package instance

import "sync"

// pool holds values shared by every config naming the same key, counted
// by use: a reload opens the new config before the old one lets go, so
// the new one picks up what the old one opened.
type pool[V any] struct {
	mu sync.Mutex
	m  map[poolKey]*pooled[V]
}

type pooled[V any] struct {
	v     V
	uses  int
	close func() error
}

// acquire returns the value at k, made by open when nobody holds it;
// close is kept to end it with its last use. Every successful call must
// be paired with release.
func (p *pool[V]) acquire(k poolKey, open func() (V, func() error, error)) (v V, reused bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.m[k]; ok {
		e.uses++
		return e.v, true, nil
	}
	v, closeFn, err := open()
	if err != nil {
		return v, false, err
	}
	if p.m == nil {
		p.m = map[poolKey]*pooled[V]{}
	}
	p.m[k] = &pooled[V]{v: v, uses: 1, close: closeFn}
	return v, false, nil
}

// release drops one use of the value at k, closing it with the last.
func (p *pool[V]) release(k poolKey) error {
	p.mu.Lock()
	e, ok := p.m[k]
	if !ok {
		p.mu.Unlock()
		return nil
	}
	e.uses--
	if e.uses > 0 {
		p.mu.Unlock()
		return nil
	}
	delete(p.m, k)
	p.mu.Unlock()
	return e.close()
}

// uses reports how many configs hold the value at k.
func (p *pool[V]) uses(k poolKey) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.m[k]; ok {
		return e.uses
	}
	return 0
}
