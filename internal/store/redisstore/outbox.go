package redisstore

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// The outbox is one queue for all tenants. Its keys share the hash tag
// {_outbox}, which no valid tenant id can be, so its scripts run within
// one Redis Cluster slot:
//
//	lockbox:{_outbox}:n:<id>       hash  doc (fixed fields JSON), state, attempts, next_at, last_error, done_at, order
//	lockbox:{_outbox}:due          zset  pending ids scored by next_at (µs)
//	lockbox:{_outbox}:<state>      zset  list members, all scored 0, in byte order
//
// A list member is the time the list sorts by (creation for pending, the
// settle time otherwise) as 16 hex digits, ':', then the id, so byte order
// is time order and a page cursor stays valid when its member leaves.
const (
	outboxBase    = keyPrefix + "{_outbox}:"
	outboxItemPfx = outboxBase + "n:"
	outboxDueKey  = outboxBase + "due"
)

// outboxList is the key of the list of notifications in state.
func outboxList(state string) string { return outboxBase + state }

// Outbox scripts; see the files for their keys and arguments.
var (
	//go:embed lua/outbox_enqueue.lua
	outboxEnqueueSrc    string
	outboxEnqueueScript = redis.NewScript(outboxEnqueueSrc)

	//go:embed lua/outbox_claim.lua
	outboxClaimSrc    string
	outboxClaimScript = redis.NewScript(outboxClaimSrc)

	//go:embed lua/outbox_settle.lua
	outboxSettleSrc    string
	outboxSettleScript = redis.NewScript(outboxSettleSrc)

	//go:embed lua/outbox_list.lua
	outboxListSrc    string
	outboxListScript = redis.NewScript(outboxListSrc)
)

// notificationFields are the hash fields a read returns, in the order the
// scripts' HMGET calls return them.
var notificationFields = []string{"doc", "state", "attempts", "next_at", "last_error", "done_at"}

// notificationDoc is the JSON of a notification's fixed fields; the rest
// are hash fields of their own, changed in place.
type notificationDoc struct {
	ID        string          `json:"id"`
	Tenant    string          `json:"tenant,omitempty"`
	Kind      string          `json:"kind"`
	Target    string          `json:"target"`
	Event     string          `json:"event"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}

// EnqueueNotifications adds the notifications in one script call, so all
// or none are added; ids already in the outbox are skipped there.
func (s *Store) EnqueueNotifications(ctx context.Context, ns ...store.Notification) error {
	args := []any{outboxItemPfx}
	for _, n := range ns {
		if err := store.CheckNotification(n); err != nil {
			return fmt.Errorf("redis: enqueue notifications: %w", err)
		}
		n = store.NewNotification(n)
		doc, err := json.Marshal(notificationDoc{n.ID, n.Tenant, n.Kind, n.Target, n.Event, n.Payload, n.CreatedAt})
		if err != nil {
			return fmt.Errorf("redis: enqueue notification %s: %w", n.ID, err)
		}
		args = append(args, n.ID, doc, n.NextAt.UnixMicro(), listMember(n.CreatedAt, n.ID))
	}
	if len(ns) == 0 {
		return nil
	}
	keys := []string{outboxDueKey, outboxList(store.NotificationPending)}
	if err := outboxEnqueueScript.Run(ctx, s.c, keys, args...).Err(); err != nil {
		return fmt.Errorf("redis: enqueue notifications: %w", err)
	}
	return nil
}

// ClaimNotifications leases due notifications in one script call, so two
// clients never claim the same one within a lease.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Notification, error) {
	if err := store.CheckClaim(lease, limit); err != nil {
		return nil, fmt.Errorf("redis: claim notifications: %w", err)
	}
	rows, err := outboxClaimScript.Run(ctx, s.c, []string{outboxDueKey},
		now.UnixMicro(), now.Add(lease).UnixMicro(), limit, outboxItemPfx,
	).Slice()
	if err != nil {
		return nil, fmt.Errorf("redis: claim notifications: %w", err)
	}
	out := make([]store.Notification, 0, len(rows))
	for _, r := range rows {
		row, _ := r.([]any)
		n, err := decodeNotification(row)
		if err != nil {
			return nil, fmt.Errorf("redis: claim notifications: %w", err)
		}
		out = append(out, n)
	}
	return out, nil
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

// settle moves a claimed notification to state with the settle script.
func (s *Store) settle(ctx context.Context, op string, l store.Lease, state string, at time.Time, lastError string) error {
	if err := store.CheckLease(l); err != nil {
		return fmt.Errorf("redis: %s notification %.200q: %w", op, l.ID, err)
	}
	keys := []string{
		outboxItemPfx + l.ID, outboxDueKey, outboxList(store.NotificationPending),
		outboxList(store.NotificationDelivered), outboxList(store.NotificationFailed),
	}
	cutoff := listMember(at.Add(-store.NotificationRetention), "")
	res, err := outboxSettleScript.Run(ctx, s.c, keys,
		l.ID, l.Attempt, state, at.UnixMicro(), lastError, listMember(at, l.ID), outboxItemPfx, cutoff,
	).Text()
	switch {
	case err != nil:
		return fmt.Errorf("redis: %s notification %s: %w", op, l.ID, err)
	case res == "notfound":
		return fmt.Errorf("redis: %s notification %s: %w", op, l.ID, store.ErrNotFound)
	case res == "lost":
		return fmt.Errorf("redis: %s notification %s: %w", op, l.ID, store.ErrLeaseLost)
	case res != "ok":
		return fmt.Errorf("redis: %s notification %s: unexpected reply %q", op, l.ID, res)
	}
	return nil
}

// GetNotification returns one notification.
func (s *Store) GetNotification(ctx context.Context, id string) (store.Notification, error) {
	if err := checkNotificationID(id); err != nil {
		return store.Notification{}, fmt.Errorf("redis: get notification: %w", err)
	}
	row, err := s.c.HMGet(ctx, outboxItemPfx+id, notificationFields...).Result()
	if err != nil {
		return store.Notification{}, fmt.Errorf("redis: get notification %s: %w", id, err)
	}
	n, err := decodeNotification(row)
	if err != nil {
		return store.Notification{}, fmt.Errorf("redis: get notification %s: %w", id, err)
	}
	return n, nil
}

// Notifications lists one state's notifications newest first. The cursor
// is the last member returned; the next page starts below it, whether or
// not that notification is still in the list.
func (s *Store) Notifications(ctx context.Context, state string, p store.Page) ([]store.Notification, string, error) {
	if err := store.CheckNotificationState(state); err != nil {
		return nil, "", fmt.Errorf("redis: notifications: %w", err)
	}
	upper, err := listCursor(p.Cursor)
	if err != nil {
		return nil, "", fmt.Errorf("redis: %s notifications: %w", state, err)
	}
	size := p.Size()
	rows, err := outboxListScript.Run(ctx, s.c, []string{outboxList(state)}, upper, size+1, outboxItemPfx).Slice()
	if err != nil {
		return nil, "", fmt.Errorf("redis: %s notifications: %w", state, err)
	}
	page, next, err := rowPage(rows, size, "notification", decodeNotification)
	if err != nil {
		return nil, "", fmt.Errorf("redis: %s notifications: %w", state, err)
	}
	return page, next, nil
}

// decodeNotification assembles a notification from the values of
// notificationFields; store.ErrNotFound if it has no doc.
func decodeNotification(row []any) (store.Notification, error) {
	if len(row) != len(notificationFields) {
		return store.Notification{}, fmt.Errorf("unexpected notification reply of %d values", len(row))
	}
	raw, ok := row[0].(string)
	if !ok {
		return store.Notification{}, store.ErrNotFound
	}
	var d notificationDoc
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return store.Notification{}, fmt.Errorf("decode notification: %w", err)
	}
	n := store.Notification{ID: d.ID, Tenant: d.Tenant, Kind: d.Kind, Target: d.Target, Event: d.Event, Payload: d.Payload, CreatedAt: d.CreatedAt}
	n.State, _ = row[1].(string)
	n.LastError, _ = row[4].(string)
	attempts, err := outboxInt(row[2], "attempts")
	if err != nil {
		return store.Notification{}, err
	}
	n.Attempts = int(attempts)
	next, err := outboxInt(row[3], "next_at")
	if err != nil {
		return store.Notification{}, err
	}
	n.NextAt = time.UnixMicro(next).UTC()
	if _, settled := row[5].(string); settled {
		us, err := outboxInt(row[5], "done_at")
		if err != nil {
			return store.Notification{}, err
		}
		at := time.UnixMicro(us).UTC()
		n.DoneAt = &at
	}
	return n, nil
}

// outboxInt parses a numeric hash field of a notification.
func outboxInt(v any, name string) (int64, error) {
	s, _ := v.(string)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("decode notification %s: %w", name, err)
	}
	return n, nil
}

// listMember is a list entry: at as 16 hex digits (sign bit flipped, so
// byte order is time order), ':', then id.
func listMember(at time.Time, id string) string {
	return fmt.Sprintf("%016x:%s", uint64(at.UnixMicro())^(1<<63), id)
}

// listCursor turns a page cursor into the upper bound of the list script:
// "+" for the first page, else just below the member the cursor names.
func listCursor(cursor string) (string, error) {
	if cursor == "" {
		return "+", nil
	}
	if len(cursor) > maxCursorLen {
		return "", store.ErrInvalidCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) < 18 || b[16] != ':' {
		return "", store.ErrInvalidCursor
	}
	if _, err := strconv.ParseUint(string(b[:16]), 16, 64); err != nil {
		return "", store.ErrInvalidCursor
	}
	return "(" + string(b), nil
}

// checkNotificationID rejects an id no notification can have.
func checkNotificationID(id string) error {
	if id == "" {
		return errors.New("notification id is empty")
	}
	return nil
}
