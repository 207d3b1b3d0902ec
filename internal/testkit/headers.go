package testkit

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// LockboxHeaders returns the headers whose names read as the Lockbox
// prefix (any case, '_' or '.' for '-'), keyed by the folded name.
func LockboxHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for name, vs := range h {
		folded := strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(name))
		if strings.HasPrefix(folded, "x-lockbox-") {
			out[folded] = strings.Join(vs, ",")
		}
	}
	return out
}

// CookieNames lists, sorted, the cookie names of a request's headers.
func CookieNames(h http.Header) []string {
	r := &http.Request{Header: h}
	var names []string
	for _, c := range r.Cookies() {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	return names
}

// Identity is what the contract's identity headers say of an agent in a
// tenant, apart from the values minted per session or request.
type Identity struct {
	Tenant, Agent, AgentSub, Scopes, Grant, PII string
}

// WantIdentityHeaders fails t unless ids, an app's Lockbox headers as
// LockboxHeaders folds them, are exactly the contract's for who: its
// values, plus a session ID ("s_…"), a token and a request ID.
func WantIdentityHeaders(t testing.TB, ids map[string]string, who Identity) {
	t.Helper()
	want := map[string]string{
		"x-lockbox-tenant":     who.Tenant,
		"x-lockbox-agent":      who.Agent,
		"x-lockbox-agent-sub":  who.AgentSub,
		"x-lockbox-scopes":     who.Scopes,
		"x-lockbox-grant":      who.Grant,
		"x-lockbox-pii":        who.PII,
		"x-lockbox-session":    ids["x-lockbox-session"],
		"x-lockbox-token":      ids["x-lockbox-token"],
		"x-lockbox-request-id": ids["x-lockbox-request-id"],
	}
	if !strings.HasPrefix(ids["x-lockbox-session"], "s_") || ids["x-lockbox-token"] == "" ||
		len(ids["x-lockbox-request-id"]) < 20 || !maps.Equal(ids, want) {
		t.Fatalf("the app got identity headers\n%v\nwant\n%v", ids, want)
	}
}
