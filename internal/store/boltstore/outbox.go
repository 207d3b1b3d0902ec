package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// The outbox lives in its own top-level bucket, created by its first
// write:
//
//	outbox/
//	  items/<id>               notification JSON
//	  due/<t><id>              id of a pending notification; t is next_at
//	  pending/<t><id>          id; t is created_at
//	  delivered/<t><id>        id; t is done_at
//	  failed/<t><id>           id; t is done_at
//
// Times are encoded like grant_order's, so due is read in due order and
// the lists newest first with a reverse cursor. Every change runs in one
// write transaction, which bbolt serializes, so no two claims overlap.
var (
	bucketOutbox      = []byte("outbox")
	bucketOutboxItems = []byte("items")
	bucketOutboxDue   = []byte("due")
)

// pruneBatch bounds how many old notifications one settle removes.
const pruneBatch = 100

// outboxBuckets are the outbox's sub-buckets within one transaction.
type outboxBuckets struct {
	items, due *bolt.Bucket
	lists      map[string]*bolt.Bucket // by state
}

// openOutbox returns the outbox's buckets, creating them if needed.
func openOutbox(tx *bolt.Tx) (outboxBuckets, error) {
	top, err := tx.CreateBucketIfNotExists(bucketOutbox)
	if err != nil {
		return outboxBuckets{}, err
	}
	ob := outboxBuckets{lists: map[string]*bolt.Bucket{}}
	if ob.items, err = top.CreateBucketIfNotExists(bucketOutboxItems); err != nil {
		return outboxBuckets{}, err
	}
	if ob.due, err = top.CreateBucketIfNotExists(bucketOutboxDue); err != nil {
		return outboxBuckets{}, err
	}
	for _, state := range []string{store.NotificationPending, store.NotificationDelivered, store.NotificationFailed} {
		if ob.lists[state], err = top.CreateBucketIfNotExists([]byte(state)); err != nil {
			return outboxBuckets{}, err
		}
	}
	return ob, nil
}

// EnqueueNotifications adds the notifications in one transaction, so all
// or none are added; ids already in the outbox are skipped.
func (s *Store) EnqueueNotifications(ctx context.Context, ns ...store.Notification) error {
	for _, n := range ns {
		if err := store.CheckNotification(n); err != nil {
			return fmt.Errorf("enqueue notifications: %w", err)
		}
	}
	if len(ns) == 0 {
		return nil
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		ob, err := openOutbox(tx)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if err := ob.add(store.NewNotification(n)); err != nil {
				return fmt.Errorf("notification %s: %w", n.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enqueue notifications: %w", err)
	}
	return nil
}

// add stores a new notification unless its id is taken.
func (ob outboxBuckets) add(n store.Notification) error {
	if ob.items.Get([]byte(n.ID)) != nil {
		return nil
	}
	if err := putJSON(ob.items, []byte(n.ID), n); err != nil {
		return err
	}
	if err := ob.due.Put(orderKey(n.NextAt, n.ID), []byte(n.ID)); err != nil {
		return err
	}
	return ob.lists[store.NotificationPending].Put(orderKey(n.CreatedAt, n.ID), []byte(n.ID))
}

// ClaimNotifications leases due notifications in one transaction.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Notification, error) {
	if err := store.CheckClaim(lease, limit); err != nil {
		return nil, fmt.Errorf("claim notifications: %w", err)
	}
	var out []store.Notification
	err := s.update(ctx, func(tx *bolt.Tx) error {
		ob, err := openOutbox(tx)
		if err != nil {
			return err
		}
		out, err = ob.claim(normalTime(now), normalTime(now.Add(lease)), limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim notifications: %w", err)
	}
	return out, nil
}

// claim leases up to limit notifications due at now until leaseEnd.
func (ob outboxBuckets) claim(now, leaseEnd time.Time, limit int) ([]store.Notification, error) {
	var due [][]byte
	nowKey := microsKey(now.UnixMicro())
	c := ob.due.Cursor()
	for k, _ := c.First(); k != nil && len(due) < limit && bytes.Compare(k[:8], nowKey) <= 0; k, _ = c.Next() {
		due = append(due, bytes.Clone(k)) // changing the bucket below moves the cursor
	}
	out := make([]store.Notification, 0, len(due))
	for _, k := range due {
		id := k[8:]
		var n store.Notification
		if err := getJSON(ob.items, id, &n); err != nil || n.State != store.NotificationPending {
			// A stray entry, which must not be claimed.
			if err := ob.due.Delete(k); err != nil {
				return nil, err
			}
			continue
		}
		n.Attempts++
		if err := ob.reschedule(&n, leaseEnd); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// reschedule makes pending n due at next and saves it.
func (ob outboxBuckets) reschedule(n *store.Notification, next time.Time) error {
	if err := ob.due.Delete(orderKey(n.NextAt, n.ID)); err != nil {
		return err
	}
	n.NextAt = next
	if err := ob.due.Put(orderKey(n.NextAt, n.ID), []byte(n.ID)); err != nil {
		return err
	}
	return putJSON(ob.items, []byte(n.ID), n)
}

// CompleteNotification marks a claimed notification delivered.
func (s *Store) CompleteNotification(ctx context.Context, l store.Lease, at time.Time) error {
	return s.settle(ctx, "complete", l, store.NotificationDelivered, at, "")
}

// RetryNotification makes a claimed notification due again at nextAt.
func (s *Store) RetryNotification(ctx context.Context, l store.Lease, nextAt time.Time, lastError string) error {
	return s.settle(ctx, "retry", l, store.NotificationPending, nextAt, lastError)
}

// FailNotification gives a claimed notification up.
func (s *Store) FailNotification(ctx context.Context, l store.Lease, at time.Time, lastError string) error {
	return s.settle(ctx, "fail", l, store.NotificationFailed, at, lastError)
}

// settle moves a claimed notification to state in one transaction.
func (s *Store) settle(ctx context.Context, op string, l store.Lease, state string, at time.Time, lastError string) error {
	if err := store.CheckLease(l); err != nil {
		return fmt.Errorf("%s notification %.200q: %w", op, l.ID, err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		ob, err := openOutbox(tx)
		if err != nil {
			return err
		}
		return ob.settle(l, state, normalTime(at), lastError)
	})
	if err != nil {
		return fmt.Errorf("%s notification %s: %w", op, l.ID, err)
	}
	return nil
}

// settle applies one settle to the notification l holds.
func (ob outboxBuckets) settle(l store.Lease, state string, at time.Time, lastError string) error {
	var n store.Notification
	if err := getJSON(ob.items, []byte(l.ID), &n); err != nil {
		return err
	}
	switch {
	case n.Attempts != l.Attempt:
		return store.ErrLeaseLost
	case n.State == state && state != store.NotificationPending:
		return nil // the same claim settling again: a retry after a lost reply
	case n.State != store.NotificationPending:
		return store.ErrLeaseLost
	}
	if lastError != "" {
		n.LastError = lastError
	}
	if state == store.NotificationPending {
		return ob.reschedule(&n, at)
	}
	if err := ob.due.Delete(orderKey(n.NextAt, n.ID)); err != nil {
		return err
	}
	if err := ob.lists[store.NotificationPending].Delete(orderKey(n.CreatedAt, n.ID)); err != nil {
		return err
	}
	n.State, n.DoneAt = state, &at
	if err := ob.lists[state].Put(orderKey(at, n.ID), []byte(n.ID)); err != nil {
		return err
	}
	if err := putJSON(ob.items, []byte(n.ID), n); err != nil {
		return err
	}
	return ob.prune(at.Add(-store.NotificationRetention))
}

// prune drops up to pruneBatch delivered and failed notifications each
// settled before cutoff.
func (ob outboxBuckets) prune(cutoff time.Time) error {
	limit := microsKey(cutoff.UnixMicro())
	for _, state := range []string{store.NotificationDelivered, store.NotificationFailed} {
		list := ob.lists[state]
		var old [][]byte
		c := list.Cursor()
		for k, _ := c.First(); k != nil && len(old) < pruneBatch && bytes.Compare(k[:8], limit) < 0; k, _ = c.Next() {
			old = append(old, bytes.Clone(k))
		}
		for _, k := range old {
			if err := ob.items.Delete(k[8:]); err != nil {
				return err
			}
			if err := list.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// GetNotification returns one notification.
func (s *Store) GetNotification(ctx context.Context, id string) (store.Notification, error) {
	var n store.Notification
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return getJSON(child(tx.Bucket(bucketOutbox), bucketOutboxItems), []byte(id), &n)
	})
	if err != nil {
		return store.Notification{}, fmt.Errorf("notification %s: %w", id, err)
	}
	return n, nil
}

// Notifications lists one state's notifications newest first. The cursor
// is the list key of the last one returned; the next page starts below
// it, whether or not that notification is still in the list.
func (s *Store) Notifications(ctx context.Context, state string, p store.Page) ([]store.Notification, string, error) {
	if err := store.CheckNotificationState(state); err != nil {
		return nil, "", fmt.Errorf("notifications: %w", err)
	}
	var after []byte
	if p.Cursor != "" {
		var err error
		if after, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", fmt.Errorf("%s notifications: %w", state, err)
		}
	}
	var page []store.Notification
	var next string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		top := tx.Bucket(bucketOutbox)
		var err error
		page, next, err = readNotifications(child(top, bucketOutboxItems), child(top, []byte(state)), after, p.Size())
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("%s notifications: %w", state, err)
	}
	return page, next, nil
}

// readNotifications walks list backwards from just below the key after
// (from the end if nil) and returns up to size notifications and the
// next cursor.
func readNotifications(items, list *bolt.Bucket, after []byte, size int) ([]store.Notification, string, error) {
	if items == nil || list == nil {
		return nil, "", nil
	}
	c := list.Cursor()
	k, id := c.Last()
	if after != nil {
		if k, id = c.Seek(after); k == nil {
			k, id = c.Last() // every key is below after
		} else {
			k, id = c.Prev()
		}
	}
	var page []store.Notification
	var last []byte
	for ; k != nil && len(page) < size; k, id = c.Prev() {
		var n store.Notification
		err := getJSON(items, id, &n)
		if errors.Is(err, store.ErrNotFound) {
			continue // listed but missing: skip rather than fail the page
		}
		if err != nil {
			return nil, "", fmt.Errorf("notification list entry %s: %w", id, err)
		}
		page = append(page, n)
		last = k
	}
	if k == nil {
		return page, "", nil
	}
	return page, encodeCursor(last), nil
}
