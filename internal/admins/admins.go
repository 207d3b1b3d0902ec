// Package admins keeps each tenant's registry of admins: the people who
// may act for the tenant through the app's API and its signed admin
// links, and who are told when support access changes. A tenant's list
// is one store record (kind "admins", id the tenant), replaced whole.
package admins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
	"github.com/lockbox-gw/lockbox/internal/turns"
)

// Store record kinds: the registries, and the turns of their writers.
const (
	recordKind = "admins"
	turnKind   = "admins-turn"
)

// EventUpdated is the audit event of a changed admin list. The contract's
// event list predates it: who is notified is worth a tamper-evident trail.
const EventUpdated = "admins.updated"

// setAttempts bounds the compare-and-swap retries of Set, which only a
// writer that outlived its turn can make fail.
const setAttempts = 5

// Admin is one admin of a tenant.
type Admin struct {
	// ID is the app's stable id for the admin.
	ID string `json:"id"`
	// Email is where notifications go: a bare address.
	Email string `json:"email"`
	// Name is shown to people; optional.
	Name string `json:"name,omitempty"`
	// Role is the admin's role in the app, e.g. "owner".
	Role string `json:"role"`
}

// Registry reads and replaces tenants' admin lists.
type Registry struct {
	store store.Store
	now   func() time.Time
}

// New returns the registry kept in st; now is the clock (time.Now when
// nil), used for audit events.
func New(st store.Store, now func() time.Time) *Registry {
	if now == nil {
		now = time.Now
	}
	return &Registry{store: st, now: now}
}

// Get returns the tenant's admins in the order they were set; an empty
// list if none were ever set.
func (r *Registry) Get(ctx context.Context, tenantID string) ([]Admin, error) {
	if err := tenant.Validate(tenantID); err != nil {
		return nil, err
	}
	list, _, err := r.read(ctx, tenantID)
	return list, err
}

// Find returns the tenant's admin with id; a NotFound problem with code
// "admin_not_found" if the tenant has none such.
func (r *Registry) Find(ctx context.Context, tenantID, id string) (Admin, error) {
	list, err := r.Get(ctx, tenantID)
	if err != nil {
		return Admin{}, err
	}
	i := slices.IndexFunc(list, func(a Admin) bool { return a.ID == id })
	if i < 0 {
		return Admin{}, problem.New(problem.NotFound, "admin_not_found", "tenant %s has no registered admin %q", tenantID, problem.Clip(id, 80))
	}
	return list[i], nil
}

// Set validates list and makes it the tenant's admin list, recording an
// admins.updated audit event by actor by. Setting the list the tenant
// already has writes nothing. Nothing is written when list is invalid.
func (r *Registry) Set(ctx context.Context, tenantID string, list []Admin, by store.Actor) ([]Admin, error) {
	if err := tenant.Validate(tenantID); err != nil {
		return nil, err
	}
	if by.ID == "" {
		return nil, problem.New(problem.Invalid, "invalid_actor", "say who is changing the admins (an actor id is required)")
	}
	if err := Validate(list); err != nil {
		return nil, err
	}
	list = slices.Clone(list)
	// Writers take turns, so events land in the order lists were stored.
	release, err := turns.Take(ctx, r.store, turnKind, tenantID)
	switch {
	case errors.Is(err, turns.ErrBusy):
		return nil, problem.New(problem.Conflict, "admins_changed", "the admins of tenant %s are being changed by someone else; try again", tenantID)
	case err != nil:
		return nil, problem.Store(err)
	}
	defer release()
	for range setAttempts {
		done, err := r.trySet(ctx, tenantID, list, by)
		if done || err != nil {
			return list, err
		}
	}
	return nil, problem.New(problem.Conflict, "admins_changed", "the admins of tenant %s keep changing; try again", tenantID)
}

// trySet replaces the list if it is still what was read; done is false
// when another writer changed it meanwhile.
func (r *Registry) trySet(ctx context.Context, tenantID string, list []Admin, by store.Actor) (done bool, err error) {
	old, raw, err := r.read(ctx, tenantID)
	if err != nil {
		return false, err
	}
	if slices.Equal(old, list) {
		return true, nil
	}
	value, err := json.Marshal(list)
	if err != nil {
		return false, err
	}
	if raw == nil {
		done, err = r.store.CreateRecord(ctx, recordKind, tenantID, value, 0)
	} else {
		done, err = r.store.SwapRecord(ctx, recordKind, tenantID, raw, value, 0)
	}
	if err != nil {
		return false, problem.Store(err)
	}
	if !done {
		return false, nil
	}
	return true, r.audit(ctx, tenantID, list, by)
}

// read returns the stored list and its bytes; nil bytes if none.
func (r *Registry) read(ctx context.Context, tenantID string) ([]Admin, []byte, error) {
	raw, err := r.store.GetRecord(ctx, recordKind, tenantID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return []Admin{}, nil, nil
	case err != nil:
		return nil, nil, problem.Store(err)
	}
	var list []Admin
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, nil, fmt.Errorf("the admins of tenant %s in the store are unreadable: %w", tenantID, err)
	}
	if list == nil {
		list = []Admin{}
	}
	return list, raw, nil
}
