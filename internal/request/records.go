package request

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// Record kinds. A request is one record; the indexes are lists of ids,
// newest first, changed by compare-and-swap so concurrent writers on
// every instance each land.
const (
	kindRequest  = "request"
	kindByTenant = "requests.tenant"
	kindByAgent  = "requests.agent"
	kindOpen     = "requests.open"
	openID       = "all"
)

// Index bounds: what a listing shows, not what the audit keeps.
const (
	maxPerTenant = 500
	maxPerAgent  = 50
	swapAttempts = 8
)

// errRaced: the record changed between the read and the swap.
var errRaced = errors.New("request changed meanwhile")

// load reads request id and the bytes it was read from.
func (s *Service) load(ctx context.Context, id string) (Request, []byte, error) {
	if id == "" || len(id) > 64 {
		return Request{}, nil, notFound(id)
	}
	raw, err := s.st.GetRecord(ctx, kindRequest, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Request{}, nil, notFound(id)
	case err != nil:
		return Request{}, nil, problem.Store(err)
	}
	var r Request
	if err := json.Unmarshal(raw, &r); err != nil {
		return Request{}, nil, problem.Store(fmt.Errorf("decode request %s: %w", id, err))
	}
	return r, raw, nil
}

// insert stores a new request and lists it; the indexes come first, so a
// listed id whose record is missing is skipped rather than a stored
// request going unlisted.
func (s *Service) insert(ctx context.Context, r Request) error {
	for _, ix := range []struct {
		kind, id string
		max      int
	}{{kindByTenant, r.Tenant, maxPerTenant}, {kindByAgent, agentKey(r.Agent), maxPerAgent}, {kindOpen, openID, 0}} {
		if err := s.updateIndex(ctx, ix.kind, ix.id, func(ids []string) []string {
			ids = slices.Insert(ids, 0, r.ID)
			if ix.max > 0 && len(ids) > ix.max {
				ids = ids[:ix.max]
			}
			return ids
		}); err != nil {
			return err
		}
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return problem.Store(err)
	}
	ok, err := s.st.CreateRecord(ctx, kindRequest, r.ID, raw, 0)
	switch {
	case err != nil:
		return problem.Store(err)
	case !ok:
		return problem.Store(fmt.Errorf("request id %s already in use", r.ID))
	}
	return nil
}

// remove deletes a request that was never announced, and its place in
// the open list; the other indexes skip ids whose record is gone.
func (s *Service) remove(ctx context.Context, r Request) error {
	if err := s.st.DeleteRecord(ctx, kindRequest, r.ID); err != nil {
		return problem.Store(err)
	}
	return s.updateIndex(ctx, kindOpen, openID, func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == r.ID })
	})
}

// swap replaces the request read as old with r; errRaced if it changed.
func (s *Service) swap(ctx context.Context, old []byte, r Request) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return problem.Store(err)
	}
	ok, err := s.st.SwapRecord(ctx, kindRequest, r.ID, old, raw, 0)
	switch {
	case err != nil:
		return problem.Store(err)
	case !ok:
		return errRaced
	}
	if r.State != Pending {
		return s.updateIndex(ctx, kindOpen, openID, func(ids []string) []string {
			return slices.DeleteFunc(ids, func(id string) bool { return id == r.ID })
		})
	}
	return nil
}

// readIndex returns an index's ids, none if it was never written.
func (s *Service) readIndex(ctx context.Context, kind, id string) ([]string, error) {
	ids, _, err := s.readIndexRaw(ctx, kind, id)
	return ids, err
}

func (s *Service) readIndexRaw(ctx context.Context, kind, id string) ([]string, []byte, error) {
	raw, err := s.st.GetRecord(ctx, kind, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil, nil
	case err != nil:
		return nil, nil, problem.Store(err)
	}
	var ids []string
	if err := json.Unmarshal(raw, &ids); err != nil {
		return nil, nil, problem.Store(fmt.Errorf("decode %s index: %w", kind, err))
	}
	return ids, raw, nil
}

// tenantIndex is the tenant's ids after checking the tenant id.
func (s *Service) tenantIndex(ctx context.Context, tenantID string) ([]string, error) {
	if err := tenant.Validate(tenantID); err != nil {
		return nil, err
	}
	return s.readIndex(ctx, kindByTenant, tenantID)
}

// updateIndex applies fn to an index with compare-and-swap, retrying
// while other writers change it.
func (s *Service) updateIndex(ctx context.Context, kind, id string, fn func([]string) []string) error {
	for range swapAttempts {
		ids, raw, err := s.readIndexRaw(ctx, kind, id)
		if err != nil {
			return err
		}
		next, err := json.Marshal(fn(slices.Clone(ids)))
		if err != nil {
			return problem.Store(err)
		}
		var ok bool
		if raw == nil {
			ok, err = s.st.CreateRecord(ctx, kind, id, next, 0)
		} else {
			ok, err = s.st.SwapRecord(ctx, kind, id, raw, next, 0)
		}
		if err != nil {
			return problem.Store(err)
		}
		if ok {
			return nil
		}
	}
	return problem.Store(fmt.Errorf("the %s index kept changing; gave up after %d attempts", kind, swapAttempts))
}

// agentKey is the record id of an agent's index: the identity hashed, so
// any subject fits the record id rules.
func agentKey(a store.Agent) string {
	sum := sha256.Sum256([]byte(a.Issuer + "\x00" + a.Subject))
	return hex.EncodeToString(sum[:])
}
