package httpjson

import (
	"errors"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// GrantPage is the answer of a tenant's grant listing read with
// PageQuery.
type GrantPage struct {
	// Active is the tenant's current grant, null if it has none.
	Active *store.Grant `json:"active"`
	// Grants are the page's grants, newest first.
	Grants []store.Grant `json:"grants"`
	// NextCursor is the cursor= of the next page, omitted on the last.
	NextCursor string `json:"next_cursor,omitempty"`
}

// SessionPage is the answer of a session listing read with PageQuery.
type SessionPage struct {
	// Sessions are the page's sessions, newest first.
	Sessions []store.Session `json:"sessions"`
	// NextCursor is the cursor= of the next page, omitted on the last.
	NextCursor string `json:"next_cursor,omitempty"`
}

// EventPage is the answer of an audit listing read with EventQuery.
type EventPage struct {
	// Events are the page's events, oldest first.
	Events []store.Event `json:"events"`
	// NextAfter is the after= of the next page, omitted on a short page.
	NextAfter int64 `json:"next_after,omitempty"`
}

// NewEventPage returns events, read with q, as a page. A full page names
// its last event as the after= of the next; a short one is the last.
func NewEventPage(events []store.Event, q store.EventQuery) EventPage {
	page := EventPage{Events: NonNil(events)}
	if n := len(events); n > 0 && n >= q.Size() {
		page.NextAfter = events[n-1].Seq
	}
	return page
}

// PageError turns the error of a store read of a page into a problem: a
// cursor the store did not hand out is 400 "invalid_cursor", anything
// else means the store is unavailable. A nil err stays nil.
func PageError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrInvalidCursor) {
		return problem.New(problem.Invalid, "invalid_cursor", "the page cursor is not valid; start again from the first page")
	}
	return problem.Store(err)
}

// NonNil makes an empty list encode as [] rather than null.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
