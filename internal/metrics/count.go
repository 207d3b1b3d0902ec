package metrics

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// MaxCounted bounds the notifications counted per state, so a huge
// backlog costs a scrape at most a few store reads; the gauge then reads
// MaxCounted.
const MaxCounted = 10_000

// OpenSessions counts the sessions of every tenant that have not ended
// and whose time is not up at now. It reads each tenant's sessions newest
// first and stops at those started before oldest, as none of them can
// still be open.
func OpenSessions(ctx context.Context, s store.Store, now, oldest time.Time) (int, error) {
	tenants, err := s.Tenants(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tenants {
		c, err := openIn(ctx, s, t, now, oldest)
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

func openIn(ctx context.Context, s store.Store, tenant string, now, oldest time.Time) (int, error) {
	n := 0
	p := store.Page{Limit: 100}
	for {
		page, next, err := s.Sessions(ctx, tenant, p)
		if err != nil {
			return 0, err
		}
		for _, sess := range page {
			if sess.StartedAt.Before(oldest) {
				return n, nil
			}
			if !sess.Ended() && now.Before(sess.EndsAt) {
				n++
			}
		}
		if next == "" {
			return n, nil
		}
		p.Cursor = next
	}
}

// OutboxBacklog counts pending and failed notifications by channel, at
// most MaxCounted per state.
func OutboxBacklog(ctx context.Context, s store.Store) ([]OutboxCount, error) {
	var out []OutboxCount
	for _, state := range []string{store.NotificationPending, store.NotificationFailed} {
		by, err := countState(ctx, s, state)
		if err != nil {
			return nil, err
		}
		for ch, n := range by {
			out = append(out, OutboxCount{Channel: ch, State: state, N: n})
		}
	}
	slices.SortFunc(out, func(a, b OutboxCount) int {
		return strings.Compare(a.Channel+" "+a.State, b.Channel+" "+b.State)
	})
	return out, nil
}

// channels are the label values of the outbox gauge; a notification of
// any other kind counts as "other", so the label stays bounded.
var channels = []string{"webhook", "email"}

func countState(ctx context.Context, s store.Store, state string) (map[string]int, error) {
	by := map[string]int{}
	for _, ch := range channels {
		by[ch] = 0
	}
	p, total := store.Page{Limit: store.MaxPageSize}, 0
	for total < MaxCounted {
		page, next, err := s.Notifications(ctx, state, p)
		if err != nil {
			return nil, err
		}
		for _, n := range page {
			ch := n.Kind
			if !slices.Contains(channels, ch) {
				ch = "other"
			}
			by[ch]++
		}
		total += len(page)
		if next == "" {
			break
		}
		p.Cursor = next
	}
	return by, nil
}
