package httpjson_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func TestNewEventPage(t *testing.T) {
	events := []store.Event{{Seq: 4}, {Seq: 9}}
	tests := []struct {
		name   string
		events []store.Event
		limit  int
		next   int64
	}{
		{name: "full page names the next", events: events, limit: 2, next: 9},
		{name: "short page is the last", events: events, limit: 3},
		{name: "empty page is the last", limit: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := httpjson.NewEventPage(tt.events, store.EventQuery{Limit: tt.limit})
			if p.NextAfter != tt.next || len(p.Events) != len(tt.events) {
				t.Fatalf("page = %+v, want %d events and next_after %d", p, len(tt.events), tt.next)
			}
		})
	}
}

func TestEventPageJSON(t *testing.T) {
	b, err := json.Marshal(httpjson.NewEventPage(nil, store.EventQuery{}))
	if err != nil || string(b) != `{"events":[]}` {
		t.Fatalf("empty page = %s, %v; want events [] and no next_after", b, err)
	}
}

func TestPageError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{name: "refused cursor", err: fmt.Errorf("reading: %w", store.ErrInvalidCursor), status: 400, code: "invalid_cursor"},
		{name: "store down", err: errors.New("dial refused"), status: 503, code: "store_unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := httpjson.PageError(tt.err)
			if httpjson.Status(err) != tt.status || problem.As(err).Code != tt.code {
				t.Fatalf("PageError = %v (%d), want %d %s", err, httpjson.Status(err), tt.status, tt.code)
			}
		})
	}
	if err := httpjson.PageError(nil); err != nil {
		t.Fatalf("PageError(nil) = %v", err)
	}
}
