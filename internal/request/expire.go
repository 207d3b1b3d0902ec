package request

import (
	"context"
	"errors"
	"slices"
)

// observe returns r as it is at now, recording its expiry first if it is
// pending past its lifetime. Whichever caller swaps first audits it.
func (s *Service) observe(ctx context.Context, r Request) (Request, error) {
	for range swapAttempts {
		if r.State != Pending || r.StatusAt(s.Now()) != Expired {
			return r, nil
		}
		cur, raw, err := s.load(ctx, r.ID)
		if err != nil {
			return Request{}, err
		}
		if cur.State != Pending {
			return cur, nil
		}
		next, at := cur, cur.ExpiresAt
		next.State, next.DecidedAt = Expired, &at
		err = s.swap(ctx, raw, next)
		if errors.Is(err, errRaced) {
			r = cur
			continue
		}
		if err != nil {
			return Request{}, err
		}
		return next, s.audit(ctx, next, EventExpired, nil, at, "")
	}
	return Request{}, busy(r.ID)
}

// ExpireDue records the expiry of every pending request past its
// lifetime, so admins and agents hear of it without anyone looking, and
// drops ended requests from the open list. It returns how many expired.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	ids, err := s.readIndex(ctx, kindOpen, openID)
	if err != nil {
		return 0, err
	}
	n := 0
	var gone []string
	for _, id := range ids {
		r, _, err := s.load(ctx, id)
		if err != nil {
			continue // not written yet, or unreadable: the next sweep sees it
		}
		before := r.State
		if r, err = s.observe(ctx, r); err != nil {
			return n, err
		}
		if before == Pending && r.State == Expired {
			n++
		}
		if r.State != Pending {
			gone = append(gone, id)
		}
	}
	if len(gone) == 0 {
		return n, nil
	}
	return n, s.updateIndex(ctx, kindOpen, openID, func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(gone, id) })
	})
}
