package cli

import (
	"encoding/json"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Event types the table joins: with audit strict, an agent request is
// recorded as http.started before the app gets it, and its outcome as an
// http.request naming it (data.started) after the response.
const (
	typeHTTPStarted = "http.started"
	typeHTTPRequest = "http.request"
)

// outcomes returns the ids of the http.started events that an
// http.request among events names.
func outcomes(events []store.Event) map[string]bool {
	done := map[string]bool{}
	for _, e := range events {
		if e.Type != typeHTTPRequest {
			continue
		}
		var d struct {
			Started string `json:"started"`
		}
		if json.Unmarshal(e.Data, &d) == nil && d.Started != "" {
			done[d.Started] = true
		}
	}
	return done
}

// outcomeNote is what the table adds to an http.started event: nothing
// when its outcome is listed; "outcome unknown" when the listing reaches
// the end of the chain without it (the gateway stopped between sending
// the request and recording its outcome, or the request is still under
// way); "outcome later" when it may be past the listing's end.
func outcomeNote(e store.Event, done map[string]bool, complete bool) string {
	switch {
	case e.Type != typeHTTPStarted || done[e.ID]:
		return ""
	case complete:
		return "outcome=unknown "
	}
	return "outcome=later "
}
