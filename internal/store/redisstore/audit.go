package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// storedHead is the head as kept in Redis. Writer is unique to the append
// call that wrote it, so a client retrying after a lost reply can tell its
// own append from another writer's identical one.
type storedHead struct {
	store.Head
	Writer string `json:"writer,omitempty"`
}

// AppendEvents links events onto the tenant's chain in Go and writes them
// with a script that checks the head is still the one they were linked
// against. On a conflict it relinks onto the head the script returns.
// Appends from this process are serialized per tenant, and the head is
// cached, so the usual append is one round trip.
func (s *Store) AppendEvents(ctx context.Context, tenant string, events ...store.Event) ([]store.Event, error) {
	if err := checkTenant(tenant); err != nil {
		return nil, fmt.Errorf("redis: append events: %w", err)
	}
	if len(events) == 0 {
		return []store.Event{}, nil
	}
	unlock, err := s.locks.lock(ctx, tenant)
	if err != nil {
		return nil, fmt.Errorf("redis: append events of %s: %w", tenant, err)
	}
	defer unlock()
	out, err := s.appendLocked(ctx, tenant, events)
	if err != nil {
		return nil, fmt.Errorf("redis: append events of %s: %w", tenant, err)
	}
	return out, nil
}

func (s *Store) appendLocked(ctx context.Context, tenant string, events []store.Event) ([]store.Event, error) {
	k := keysOf(tenant)
	cur, ok := s.heads.get(tenant)
	if !ok {
		var err error
		if cur, err = s.readHead(ctx, k); err != nil {
			return nil, err
		}
	}
	writer := token()
	for attempt := range maxAttempts {
		linked, encoded, next, err := store.LinkAllJSON(cur.head, tenant, events)
		if err != nil {
			return nil, err
		}
		nextRaw, err := json.Marshal(storedHead{Head: next, Writer: writer})
		if err != nil {
			return nil, err
		}
		res, err := s.tryAppend(ctx, k, appendArgs(cur.raw, string(nextRaw), linked, encoded))
		if err != nil {
			s.heads.forget(tenant) // the write may or may not have happened
			s.tails.forget(tenant)
			return nil, err
		}
		switch {
		case res.dups != nil:
			// An earlier append, whose reply was lost, wrote these: skip
			// them and link the rest onto the same head.
			if events = withoutIDs(events, res.dups); len(events) == 0 {
				return []store.Event{}, s.syncReplicas(ctx, k)
			}
			continue
		// A conflict with our own head means an earlier run of this very
		// script succeeded and go-redis retried it after losing the reply.
		case !res.conflict || res.head == string(nextRaw):
			s.heads.put(tenant, cachedHead{head: next, raw: string(nextRaw)})
			if len(linked) > 0 {
				s.tails.record(tenant, linked[0].Seq, encoded)
			}
			s.compactLater(tenant, cur.head.Seq, next.Seq)
			if res.conflict {
				return linked, s.syncReplicas(ctx, k)
			}
			return linked, nil
		}
		if cur, err = decodeHead(res.head); err != nil {
			return nil, err
		}
		s.heads.put(tenant, cur)
		if err := backoff(ctx, attempt); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("the chain head kept moving; gave up after %d attempts", maxAttempts)
}

// withoutIDs returns events less those whose id is in ids.
func withoutIDs(events []store.Event, ids []string) []store.Event {
	var out []store.Event
	for _, e := range events {
		if e.ID == "" || !slices.Contains(ids, e.ID) {
			out = append(out, e)
		}
	}
	return out
}

// appendResult is the append script's answer: written, a conflict with
// the current head, or the ids already in the chain.
type appendResult struct {
	conflict bool
	head     string
	dups     []string
}

// tryAppend runs the append script with args from appendArgs, and with
// audit replicas set, waits for them on the same connection.
func (s *Store) tryAppend(ctx context.Context, k tenantKeys, args []any) (appendResult, error) {
	keys := []string{k.audit(), k.auditHead(), k.auditIDs()}
	var res []string
	var err error
	if s.replicas.n == 0 {
		res, err = appendScript.Run(ctx, s.c, keys, args...).StringSlice()
	} else {
		res, err = s.appendAndWait(ctx, keys, args)
	}
	switch {
	case err != nil:
		return appendResult{}, err
	case len(res) == 2 && res[0] == "conflict":
		return appendResult{conflict: true, head: res[1]}, nil
	case len(res) > 1 && res[0] == "dup":
		return appendResult{dups: res[1:]}, nil
	case len(res) == 1 && res[0] == "ok":
		return appendResult{}, nil
	}
	return appendResult{}, fmt.Errorf("unexpected append reply %q", res)
}

// appendArgs are the append script's arguments: the expected and the new
// head, the event count, every event's seq and JSON, then every event's
// id. All but the first three are pointers into a few arrays, which
// go-redis writes without boxing each value, so a batch costs a handful
// of allocations however many events it holds, and the event JSON is
// written from where LinkAllJSON encoded it.
func appendArgs(expected, next string, linked []store.Event, encoded [][]byte) []any {
	n := len(linked)
	seqs := make([]int64, n)
	raws := make([]rawArg, n)
	args := make([]any, 0, 5+3*n)
	args = append(args, expected, next, n)
	for i, e := range linked {
		seqs[i], raws[i] = e.Seq, encoded[i]
		args = append(args, &seqs[i], &raws[i])
	}
	for i := range n {
		args = append(args, &linked[i].ID)
	}
	return append(args, store.DedupeWindow.Microseconds(), store.DedupeMax)
}

// rawArg is a script argument go-redis writes as it is.
type rawArg []byte

// MarshalBinary returns the argument.
func (a *rawArg) MarshalBinary() ([]byte, error) { return *a, nil }

// readHead reads the stored head; the zero head if the chain is empty.
func (s *Store) readHead(ctx context.Context, k tenantKeys) (cachedHead, error) {
	raw, err := s.c.Get(ctx, k.auditHead()).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return cachedHead{}, nil
	case err != nil:
		return cachedHead{}, err
	}
	return decodeHead(raw)
}

func decodeHead(raw string) (cachedHead, error) {
	if raw == "" {
		return cachedHead{}, nil
	}
	var h storedHead
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		return cachedHead{}, fmt.Errorf("decode audit head: %w", err)
	}
	return cachedHead{head: h.Head, raw: raw}, nil
}

// AuditHead returns the last link of the tenant's chain.
func (s *Store) AuditHead(ctx context.Context, tenant string) (store.Head, error) {
	if err := checkTenant(tenant); err != nil {
		return store.Head{}, fmt.Errorf("redis: audit head: %w", err)
	}
	h, err := s.readHead(ctx, keysOf(tenant))
	if err != nil {
		return store.Head{}, fmt.Errorf("redis: audit head of %s: %w", tenant, err)
	}
	return h.head, nil
}
