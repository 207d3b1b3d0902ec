package appapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
)

// limitedEnv is newEnv with at most 3 failed key attempts a minute per
// client, on the env's clock.
func limitedEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, nil)
	core, logs := observer.New(zap.DebugLevel)
	e.logs = logs
	limits := ratelimit.New(ratelimit.Config{APIFailures: ratelimit.Rate{Events: 3, Per: time.Minute}, Now: e.Clock.Now})
	h, err := appapi.New(appapi.Config{APIKeys: []string{keyOne, keyTwo}, PublicURL: publicURL}, appapi.Deps{
		Grants: e.Grants, Admins: e.Admins, Links: e.Links, Requests: e.requests, Logger: zap.New(core), Limits: limits,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Close()
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

// warnings returns the warn lines logged with msg.
func (e *env) warnings(msg string) []observer.LoggedEntry {
	return e.logs.FilterMessage(msg).FilterLevelExact(zapcore.WarnLevel).All()
}

func keyPrint(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:4])
}

// TestFailedKeysAreLimitedPerClient: after 3 failed attempts in a minute
// the client gets 429 with Retry-After, even with the right key, until a
// token refills; each refusal is logged at warn with the client, the
// route and the key's fingerprint, never the key.
func TestFailedKeysAreLimitedPerClient(t *testing.T) {
	e := limitedEnv(t)
	wrong := []string{"wrong-key-number-one-0001", "wrong-key-number-two-0002", "wrong-key-number-three-03"}
	for _, k := range wrong {
		checkError(t, e.send(http.MethodGet, "/tenants/acme/grants", "", bearer(k)), http.StatusUnauthorized, "unauthorized")
	}
	for _, h := range []http.Header{bearer("wrong-key-number-four-004"), bearer(keyOne), nil} {
		r := e.send(http.MethodGet, "/tenants/acme/grants", "", h)
		checkError(t, r, http.StatusTooManyRequests, "rate_limited")
		if got := r.Header.Get("Retry-After"); got != "20" {
			t.Fatalf("Retry-After = %q, want 20 (3 a minute)", got)
		}
	}

	refused := e.warnings("app api key refused")
	if len(refused) != 3 {
		t.Fatalf("%d refusals logged, want 3: %+v", len(refused), refused)
	}
	for i, l := range refused {
		f := l.ContextMap()
		if f["remote"] != "127.0.0.1" || f["route"] != "GET "+base+"/tenants/{tenant}/grants" ||
			f["key"] != keyPrint(wrong[i]) || f["reason"] != "the API key is not valid" {
			t.Errorf("refusal %d logged %v", i+1, f)
		}
	}
	if n := len(e.warnings("app api client rate limited")); n != 3 {
		t.Errorf("%d rate-limited lines, want 3", n)
	}
	wantNoKeyLogged(t, e, append(wrong, keyOne)...)

	e.Clock.Add(20 * time.Second)
	if r := e.send(http.MethodGet, "/tenants/acme/grants", "", bearer(keyOne)); r.Status != http.StatusOK {
		t.Fatalf("after Retry-After the right key got %d %s", r.Status, r.Body)
	}
	checkError(t, e.send(http.MethodGet, "/tenants/acme/grants", "", bearer(wrong[0])), http.StatusUnauthorized, "unauthorized")
	checkError(t, e.send(http.MethodGet, "/tenants/acme/grants", "", bearer(keyOne)), http.StatusTooManyRequests, "rate_limited")
}

// TestRefusalLogIsLimitedPerClient: a flood of refused calls writes at
// most ratelimit.LogLines lines a minute for the client; the next line
// says how many were held back.
func TestRefusalLogIsLimitedPerClient(t *testing.T) {
	e := limitedEnv(t)
	for range 60 {
		r := e.send(http.MethodGet, "/tenants/acme/grants?api_key="+keyTwo, "", nil)
		if r.Status != http.StatusUnauthorized && r.Status != http.StatusTooManyRequests {
			t.Fatalf("status %d", r.Status)
		}
	}
	if n := e.logs.FilterLevelExact(zapcore.WarnLevel).Len(); n != ratelimit.LogLines.Events {
		t.Fatalf("%d warn lines for 60 refusals, want %d", n, ratelimit.LogLines.Events)
	}
	e.Clock.Add(time.Minute)
	e.send(http.MethodGet, "/nowhere", "", bearer("still-not-the-right-key"))
	all := e.logs.FilterLevelExact(zapcore.WarnLevel).All()
	last := all[len(all)-1].ContextMap()
	if last["held_back"] != int64(60-ratelimit.LogLines.Events) || last["route"] != "unknown path" {
		t.Fatalf("line after the flood: %v; want held_back %d", last, 60-ratelimit.LogLines.Events)
	}
	wantNoKeyLogged(t, e, keyTwo, "still-not-the-right-key")
}

// wantNoKeyLogged fails if any logged field holds one of keys.
func wantNoKeyLogged(t *testing.T, e *env, keys ...string) {
	t.Helper()
	for _, l := range e.logs.All() {
		for name, v := range l.ContextMap() {
			s, _ := v.(string)
			for _, k := range keys {
				if strings.Contains(s, k) || strings.Contains(l.Message, k) {
					t.Errorf("log %q field %s holds a key: %q", l.Message, name, s)
				}
			}
		}
	}
}
