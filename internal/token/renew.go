package token

import (
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// renew returns a new token for sess, signed with key at now, and caches
// it. Concurrent callers of one session share one signing: the first
// signs, the others wait for its token. A caller whose session changed
// meanwhile (its end moved before the shared token's expiry) signs its
// own.
func (m *Minter) renew(sess store.Session, key Key, now time.Time) (cached, error) {
	v, err, _ := m.renewals.Do(sess.ID, func() (any, error) {
		// A flight that ended just before this one began may have
		// renewed the token already.
		if e, ok := m.cache.get(sess.ID); ok && e.usable(sess, key.ID, now) {
			return e, nil
		}
		return m.mintAndCache(sess, key, now)
	})
	if err != nil {
		return cached{}, err
	}
	if e := v.(cached); e.fits(sess) {
		return e, nil
	}
	return m.mintAndCache(sess, key, now)
}

// mintAndCache signs a token for sess and keeps it for reuse.
func (m *Minter) mintAndCache(sess store.Session, key Key, now time.Time) (cached, error) {
	e, err := m.mint(sess, key, now)
	if err != nil {
		return cached{}, err
	}
	m.cache.put(sess.ID, e, now, m.cfg.TTL)
	return e, nil
}
