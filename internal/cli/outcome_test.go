package cli

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func TestOutcomeNote(t *testing.T) {
	events := []store.Event{
		{ID: "a", Type: typeHTTPStarted},
		{ID: "b", Type: typeHTTPStarted},
		{ID: "c", Type: typeHTTPRequest, Data: []byte(`{"status":200,"started":"a"}`)},
		{ID: "d", Type: typeHTTPRequest, Data: []byte(`{"status":200}`)},
	}
	done := outcomes(events)
	tests := []struct {
		name     string
		event    store.Event
		complete bool
		want     string
	}{
		{"outcome listed", events[0], true, ""},
		{"no outcome at the chain's end", events[1], true, "outcome=unknown "},
		{"no outcome, listing cut short", events[1], false, "outcome=later "},
		{"an outcome itself", events[2], true, ""},
		{"buffered http.request", events[3], true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcomeNote(tc.event, done, tc.complete); got != tc.want {
				t.Fatalf("outcomeNote = %q, want %q", got, tc.want)
			}
		})
	}
}
