package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// activeGrace is how long the active key outlives an expiring grant's
// expiry. The TTL only collects garbage: callers decide expiry on read with
// Grant.Expired, and the grace leaves them time to see the expired grant and
// record its end before the key disappears.
const activeGrace = 24 * time.Hour

// endingMarkerTTL is how long the marker of the call that ended a grant is
// kept: long enough for a client retrying after a lost reply to recognise
// its own win.
const endingMarkerTTL = 5 * time.Minute

// PutGrant makes g the active grant of g.Tenant, ending the one it
// replaces. It reads the active grant, ends it in Go, and lets a script
// apply both only if the active grant is still the one it read; otherwise
// it reads again.
func (s *Store) PutGrant(ctx context.Context, g store.Grant) (*store.Grant, error) {
	if err := checkTenant(g.Tenant); err != nil {
		return nil, fmt.Errorf("redis: put grant: %w", err)
	}
	if err := checkGrantID(g.ID); err != nil {
		return nil, fmt.Errorf("redis: put grant: %w", err)
	}
	defer s.grantChanged(g.Tenant, g.ID)
	raw, err := json.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("redis: put grant %s: %w", g.ID, err)
	}
	// Listed first, so no tenant with a grant is ever missing from the
	// list. The list key has no hash tag, so it cannot be in the script.
	if err := s.c.ZAddNX(ctx, tenantsKey, redis.Z{Member: g.Tenant}).Err(); err != nil {
		return nil, fmt.Errorf("redis: put grant %s: list tenant: %w", g.ID, err)
	}
	for attempt := range maxAttempts {
		replaced, done, err := s.tryPut(ctx, g, string(raw))
		if err != nil || done {
			return replaced, err
		}
		if err := backoff(ctx, attempt); err != nil {
			return nil, fmt.Errorf("redis: put grant %s: %w", g.ID, err)
		}
	}
	return nil, fmt.Errorf("redis: put grant %s: the active grant kept changing; gave up after %d attempts", g.ID, maxAttempts)
}

// tryPut makes one attempt; done is false when another writer changed the
// active grant first.
func (s *Store) tryPut(ctx context.Context, g store.Grant, raw string) (replaced *store.Grant, done bool, err error) {
	k := keysOf(g.Tenant)
	cur, err := s.activeGrant(ctx, k)
	if err != nil {
		return nil, true, fmt.Errorf("redis: put grant %s: %w", g.ID, err)
	}
	if cur.id == g.ID {
		return nil, true, fmt.Errorf("redis: put grant %s: grant id already exists", g.ID)
	}
	replacedKey, replacedRaw := k.grant(g.ID), ""
	if cur.found {
		r := cur.grant.End(store.Ending{At: g.CreatedAt, Reason: store.EndReplaced})
		b, err := json.Marshal(r)
		if err != nil {
			return nil, true, fmt.Errorf("redis: put grant %s: %w", g.ID, err)
		}
		replaced, replacedKey, replacedRaw = &r, k.grant(r.ID), string(b)
	}
	res, err := putScript.Run(ctx, s.c,
		[]string{k.active(), k.grant(g.ID), k.grants(), replacedKey},
		cur.id, g.ID, raw, g.CreatedAt.UnixMicro(), activeTTL(g, time.Now()).Milliseconds(),
		replacedRaw, changesChannel, changeMessage(g.Tenant, g.ID), cur.raw,
	).Text()
	switch {
	case err != nil:
		return nil, true, fmt.Errorf("redis: put grant %s: %w", g.ID, err)
	case res == "ok":
		return replaced, true, nil
	case res == "exists":
		return nil, true, fmt.Errorf("redis: put grant %s: grant id already exists", g.ID)
	}
	return nil, false, nil
}

// activeTTL is the lifetime of the active key: none (0) for a standing
// grant, else until the expiry plus activeGrace.
func activeTTL(g store.Grant, now time.Time) time.Duration {
	if g.Standing() {
		return 0
	}
	return max(g.ExpiresAt.Sub(now), 0) + activeGrace
}

// ActiveGrant returns the tenant's active grant, expired or not.
func (s *Store) ActiveGrant(ctx context.Context, tenant string) (store.Grant, error) {
	if err := checkTenant(tenant); err != nil {
		return store.Grant{}, fmt.Errorf("redis: active grant: %w", err)
	}
	cur, err := s.activeGrant(ctx, keysOf(tenant))
	switch {
	case err != nil:
		return store.Grant{}, fmt.Errorf("redis: active grant of %s: %w", tenant, err)
	case !cur.found:
		return store.Grant{}, fmt.Errorf("redis: active grant of %s: %w", tenant, store.ErrNotFound)
	}
	return cur.grant, nil
}

// active is what the active pointer refers to. An id without a grant is a
// pointer to a record that is gone: there is no active grant, but a put
// must still swap the pointer it saw.
type active struct {
	id    string // "" if no active grant
	grant store.Grant
	raw   string // the grant's JSON as read
	found bool
}

// activeGrant reads the active grant in one round trip.
func (s *Store) activeGrant(ctx context.Context, k tenantKeys) (active, error) {
	row, err := activeScript.Run(ctx, s.c, []string{k.active()}, k.grantPrefix()).Slice()
	switch {
	case errors.Is(err, redis.Nil):
		return active{}, nil
	case err != nil:
		return active{}, err
	case len(row) != 2:
		return active{}, fmt.Errorf("unexpected active grant reply of %d values", len(row))
	}
	id, _ := row[0].(string)
	raw, ok := row[1].(string)
	if !ok {
		return active{id: id}, nil
	}
	g, err := decodeGrant(raw)
	if err != nil {
		return active{}, err
	}
	return active{id: id, grant: g, raw: raw, found: true}, nil
}

// EndGrant ends grant id if it is still the tenant's active grant. The
// script applies the end only while id is active and unchanged since it
// was read, so exactly one of several racing callers wins and an
// extension that lands meanwhile is not overwritten.
func (s *Store) EndGrant(ctx context.Context, tenant, id string, end store.Ending) (store.Grant, error) {
	if err := checkTenant(tenant); err != nil {
		return store.Grant{}, fmt.Errorf("redis: end grant: %w", err)
	}
	if err := checkGrantID(id); err != nil {
		return store.Grant{}, fmt.Errorf("redis: end grant: %w", err)
	}
	defer s.grantChanged(tenant, id)
	k, tok := keysOf(tenant), token()
	for attempt := range maxAttempts {
		g, done, err := s.tryEnd(ctx, k, tenant, id, end, tok)
		if err != nil || done {
			return g, err
		}
		if err := backoff(ctx, attempt); err != nil {
			return store.Grant{}, fmt.Errorf("redis: end grant %s: %w", id, err)
		}
	}
	return store.Grant{}, fmt.Errorf("redis: end grant %s: it kept changing; gave up after %d attempts", id, maxAttempts)
}

// tryEnd makes one attempt with the call's token; done is false when the
// grant changed between the read and the write.
func (s *Store) tryEnd(ctx context.Context, k tenantKeys, tenant, id string, end store.Ending, tok string) (store.Grant, bool, error) {
	g, raw, err := s.readGrant(ctx, k, id)
	if err != nil {
		return store.Grant{}, true, fmt.Errorf("redis: end grant %s: %w", id, err)
	}
	if g.Ended() {
		// Ended by this call whose reply was lost, or by another.
		if s.c.Get(ctx, k.ending(id)).Val() == tok {
			return g, true, nil
		}
		return store.Grant{}, true, fmt.Errorf("redis: end grant %s: %w", id, store.ErrEnded)
	}
	ended := g.End(end)
	next, err := json.Marshal(ended)
	if err != nil {
		return store.Grant{}, true, fmt.Errorf("redis: end grant %s: %w", id, err)
	}
	res, err := endScript.Run(ctx, s.c,
		[]string{k.active(), k.grant(id), k.ending(id)},
		id, next, tok, endingMarkerTTL.Milliseconds(), changesChannel, changeMessage(tenant, id), raw,
	).Text()
	switch {
	case err != nil:
		return store.Grant{}, true, fmt.Errorf("redis: end grant %s: %w", id, err)
	case res == "ok":
		return ended, true, nil
	case res == "ended":
		return store.Grant{}, true, fmt.Errorf("redis: end grant %s: %w", id, store.ErrEnded)
	case res == "notfound":
		return store.Grant{}, true, fmt.Errorf("redis: end grant %s: %w", id, store.ErrNotFound)
	}
	return store.Grant{}, false, nil
}

// GetGrant returns one grant of the tenant, active or ended.
func (s *Store) GetGrant(ctx context.Context, tenant, id string) (store.Grant, error) {
	if err := checkTenant(tenant); err != nil {
		return store.Grant{}, fmt.Errorf("redis: get grant: %w", err)
	}
	if err := checkGrantID(id); err != nil {
		return store.Grant{}, fmt.Errorf("redis: get grant: %w", err)
	}
	g, err := s.getGrant(ctx, keysOf(tenant), id)
	if err != nil {
		return store.Grant{}, fmt.Errorf("redis: get grant %s: %w", id, err)
	}
	return g, nil
}

// getGrant reads one grant; store.ErrNotFound if there is none.
func (s *Store) getGrant(ctx context.Context, k tenantKeys, id string) (store.Grant, error) {
	g, _, err := s.readGrant(ctx, k, id)
	return g, err
}

// readGrant reads one grant and the JSON it was decoded from, for a
// write that must find it unchanged; store.ErrNotFound if there is none.
func (s *Store) readGrant(ctx context.Context, k tenantKeys, id string) (store.Grant, string, error) {
	raw, err := s.c.Get(ctx, k.grant(id)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return store.Grant{}, "", store.ErrNotFound
	case err != nil:
		return store.Grant{}, "", err
	}
	g, err := decodeGrant(raw)
	return g, raw, err
}

func decodeGrant(raw string) (store.Grant, error) {
	var g store.Grant
	if err := json.Unmarshal([]byte(raw), &g); err != nil {
		return store.Grant{}, fmt.Errorf("decode grant: %w", err)
	}
	return g, nil
}

// changeMessage is what the feed carries when a tenant's grant changes.
func changeMessage(tenant, id string) string {
	b, _ := json.Marshal(store.Change{Kind: store.ChangeGrant, Tenant: tenant, ID: id}) // strings only: cannot fail
	return string(b)
}
