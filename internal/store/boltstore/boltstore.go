// Package boltstore is the single-process store.Store backend: one bbolt
// file on local disk, for deployments that run one Lockbox instance.
//
// # Layout
//
// Tenant data lives under the top-level bucket "tenants", in one
// sub-bucket per tenant:
//
//	tenants/<tenant>/
//	  active                  id of the active grant (absent when none)
//	  grants/<id>             grant JSON
//	  grant_order/<t><id>     id; t is created_at in unix microseconds
//	  audit/<seq>             event JSON
//	  audit_time/<t><seq>     empty; t is the event time in unix microseconds
//	  audit_head              head JSON
//	  sessions/<id>           session JSON
//	  session_order/<t><id>   id; t is started_at in unix microseconds
//
// Short-lived records live apart, in one sub-bucket per kind:
//
//	records/<kind>/<id>       8-byte expiry (unix nanoseconds, 0 for none), then the value
//
// Numbers in keys are 8 bytes big-endian so byte order is numeric order;
// times have their sign bit flipped so instants before 1970 sort first.
// grant_order and session_order are read with a reverse cursor for
// newest-first listings; a page cursor is the encoded order key of the
// page's last entry, so entries added between pages do not shift later
// pages. audit_time turns a time bound into a starting seq with one Seek.
//
// An expired record counts as missing; writes delete it, and every
// sweepEvery-th record write sweeps its kind's bucket.
//
// bbolt allows one writer at a time, which makes every read-modify-write
// here (replacing the active grant, linking the audit chain) atomic without
// further locking. The file is locked by one process; Watch therefore only
// sees changes made through the same *Store.
package boltstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Errors particular to this backend.
var (
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("lockbox store is closed")
	// ErrInUse means another process holds the file open.
	ErrInUse = errors.New("in use by another process")
)

// lockTimeout bounds the wait for the file lock, so a second instance
// pointed at the same file fails at startup instead of hanging.
const lockTimeout = time.Second

// Bucket and key names; see the package documentation.
var (
	bucketTenants   = []byte("tenants")
	keyActive       = []byte("active")
	bucketGrants    = []byte("grants")
	bucketOrder     = []byte("grant_order")
	bucketAudit     = []byte("audit")
	bucketAuditTime = []byte("audit_time")
	keyAuditHead    = []byte("audit_head")

	bucketSessions     = []byte("sessions")
	bucketSessionOrder = []byte("session_order")
	bucketRecords      = []byte("records")
)

// Store is a store.Store kept in one bbolt file.
type Store struct {
	db  *bolt.DB
	hub *hub
	// changeMu keeps change notifications in commit order: bbolt runs
	// writers one at a time but releases them before we can publish.
	changeMu sync.Mutex
	closed   atomic.Bool
	// recordWrites counts record writes, to sweep expired records now
	// and then.
	recordWrites atomic.Uint64
}

var _ store.Store = (*Store)(nil)

// Open opens the store file at path, creating it and its directory if
// missing. It fails within about a second if another process has the file
// open.
func Open(path string) (*Store, error) {
	if err := prepareDir(path); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("lockbox store %s is %w", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("open lockbox store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketTenants, bucketRecords} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("initialize lockbox store %s: %w", path, err)
	}
	return &Store{db: db, hub: newHub()}, nil
}

// prepareDir rejects a path that cannot be a store file and creates its
// parent directory, private because the file holds the audit trail.
func prepareDir(path string) error {
	if path == "" {
		return errors.New("lockbox store path is empty")
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("lockbox store %s is a directory, not a file", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create directory for lockbox store %s: %w", path, err)
	}
	return nil
}

// Close ends every Watch and closes the file. Later calls do nothing.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.hub.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close lockbox store: %w", err)
	}
	return nil
}

// view runs fn in a read-only transaction.
func (s *Store) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	return closedErr(s.db.View(fn))
}

// update runs fn in a read-write transaction.
func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	return closedErr(s.db.Update(fn))
}

// ready checks what bbolt cannot: the caller's context, and Close having
// started (so no new transaction races the file being unmapped).
func (s *Store) ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return ErrClosed
	}
	return nil
}

// closedErr maps bbolt's error for a closed database to ErrClosed.
func closedErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// tenantBucket returns the tenant's bucket, nil if the tenant has no data.
func tenantBucket(tx *bolt.Tx, tenant string) *bolt.Bucket {
	return child(tx.Bucket(bucketTenants), []byte(tenant))
}

// createTenant returns the tenant's bucket, creating it if needed.
func createTenant(tx *bolt.Tx, tenant string) (*bolt.Bucket, error) {
	if tenant == "" {
		return nil, errors.New("tenant is required")
	}
	top := tx.Bucket(bucketTenants)
	if top == nil {
		return nil, errors.New("lockbox store is not initialized")
	}
	return top.CreateBucketIfNotExists([]byte(tenant))
}

// child returns the named sub-bucket, nil if b or the sub-bucket is
// missing, so read paths need a single nil check.
func child(b *bolt.Bucket, name []byte) *bolt.Bucket {
	if b == nil {
		return nil
	}
	return b.Bucket(name)
}
