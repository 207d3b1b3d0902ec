package httpjson

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// MaxCursor bounds a page cursor; real ones are far shorter.
const MaxCursor = 512

// NoQuery refuses query parameters on routes that take none.
func NoQuery(r *http.Request) error {
	_, err := Query(r)
	return err
}

// PageQuery reads limit= and cursor= of a listing.
func PageQuery(r *http.Request) (store.Page, error) {
	q, err := Query(r, "limit", "cursor")
	if err != nil {
		return store.Page{}, err
	}
	limit, err := limitParam(q)
	if err != nil {
		return store.Page{}, err
	}
	cursor := q.Get("cursor")
	if len(cursor) > MaxCursor {
		return store.Page{}, BadQuery("cursor is too long; pass back the next_cursor of the previous page")
	}
	return store.Page{Limit: limit, Cursor: cursor}, nil
}

// EventQuery reads after=, since=, until= and limit= of an audit listing.
func EventQuery(r *http.Request) (store.EventQuery, error) {
	q, err := Query(r, "after", "since", "until", "limit")
	if err != nil {
		return store.EventQuery{}, err
	}
	var eq store.EventQuery
	if eq.AfterSeq, err = intParam(q, "after", 0, math.MaxInt64); err != nil {
		return eq, err
	}
	if eq.Since, err = timeParam(q, "since"); err != nil {
		return eq, err
	}
	if eq.Until, err = timeParam(q, "until"); err != nil {
		return eq, err
	}
	if !eq.Since.IsZero() && !eq.Until.IsZero() && eq.Until.Before(eq.Since) {
		return eq, BadQuery("until is before since")
	}
	eq.Limit, err = limitParam(q)
	return eq, err
}

// Query returns r's query parameters, refusing any not in known and any
// given twice, so a misspelt filter is not silently ignored.
func Query(r *http.Request, known ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, BadQuery("the query string is malformed")
	}
	allowed := map[string]bool{}
	for _, k := range known {
		allowed[k] = true
	}
	for k, vs := range q {
		switch {
		case !allowed[k]:
			return nil, BadQuery("unknown query parameter %q", Clip(k))
		case len(vs) > 1:
			return nil, BadQuery("query parameter %q is given more than once", k)
		}
	}
	return q, nil
}

// limitParam reads limit=, 1 to store.MaxPageSize; 0 when absent.
func limitParam(q url.Values) (int, error) {
	n, err := intParam(q, "limit", 1, store.MaxPageSize)
	return int(n), err
}

// intParam reads a whole number in [min, max]; 0 when absent.
func intParam(q url.Values, name string, min, max int64) (int64, error) {
	s, ok := q[name]
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(s[0], 10, 64)
	switch {
	case err == nil && n >= min && n <= max:
		return n, nil
	case max == math.MaxInt64:
		return 0, BadQuery("%s must be a whole number, %d or more, not %q", name, min, Clip(s[0]))
	}
	return 0, BadQuery("%s must be a whole number from %d to %d, not %q", name, min, max, Clip(s[0]))
}

// timeParam reads an RFC 3339 time; zero when absent.
func timeParam(q url.Values, name string) (time.Time, error) {
	s, ok := q[name]
	if !ok {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s[0])
	if err != nil {
		return time.Time{}, BadQuery("%s must be an RFC 3339 time such as 2030-01-02T15:04:05Z (escape + as %%2B), not %q", name, Clip(s[0]))
	}
	return t, nil
}

// BadQuery is a 400 "invalid_query" problem.
func BadQuery(format string, args ...any) error {
	return problem.New(problem.Invalid, "invalid_query", format, args...)
}

// Clip shortens caller text echoed in a message to 80 characters.
func Clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
