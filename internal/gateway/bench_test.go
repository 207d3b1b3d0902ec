package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestWarmAgentRequestsMakeNoStoreRoundTrips(t *testing.T) {
	tests := []struct {
		name  string
		redis bool
	}{
		{name: "bolt"},
		{name: "redis", redis: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c *counting
			o := options{}
			if tt.redis {
				o.redis = redistest.Start(t)
			}
			e := newEnv(t, countingOptions(o, &c))
			e.grant("acme", 24*time.Hour, "read", "write")
			b := newBrowser(t, e.url())
			b.loginConsole("bob")
			b.enter("acme")
			// The first requests fill the caches once the feed is heard.
			testkit.Eventually(t, func() bool {
				before := c.count()
				b.get("/").echo(t)
				return c.count() == before
			}, "a request served from warm caches")
			before := c.count()
			for range 50 {
				if ids := lockboxHeaders(b.get("/orders").echo(t).Header); ids["x-lockbox-tenant"] != "acme" {
					t.Fatalf("headers %v", ids)
				}
			}
			if n := c.count() - before; n != 0 {
				t.Fatalf("50 warm agent requests made %d store round trips, want 0", n)
			}
		})
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h http.Header }

func (d discard) Header() http.Header       { return d.h }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

func noop(http.ResponseWriter, *http.Request) error { return nil }

// browserHeaders are what a browser sends with an app request.
func browserHeaders() http.Header {
	return http.Header{
		"Accept":          {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
		"Accept-Encoding": {"gzip, deflate, br"},
		"Accept-Language": {"en-GB,en;q=0.9"},
		"User-Agent":      {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"},
		"Referer":         {"http://127.0.0.1/orders"},
		"Cache-Control":   {"no-cache"},
		"Sec-Fetch-Mode":  {"navigate"},
		"Sec-Fetch-Site":  {"same-origin"},
		"Cookie":          {"app_session=3b1f0c9e7a; _ga=GA1.1.1234567890.1700000000"},
	}
}

func BenchmarkOrdinaryRequest(b *testing.B) {
	e := newEnv(b, options{})
	gw := e.insts[0].gw.Load()
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/api/orders?page=2", nil)
	r.Header = browserHeaders()
	w := discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		if err := gw.ServeHTTP(w, r, noop); err != nil {
			b.Fatal(err)
		}
	}
}

// discardAudit is a store whose audit appends and session touches cost
// nothing, so a request benchmark measures the request path, not a
// background writer's I/O sharing the CPU with it.
type discardAudit struct{ store.Store }

func (discardAudit) AppendEvents(_ context.Context, _ string, events ...store.Event) ([]store.Event, error) {
	return events, nil
}

func (discardAudit) TouchSessions(context.Context, ...store.Touch) error { return nil }

func BenchmarkAgentRequest(b *testing.B) {
	for _, mode := range []struct {
		name     string
		buffered bool
	}{{"strict", false}, {"buffered", true}} {
		b.Run(mode.name, func(b *testing.B) { benchmarkAgentRequest(b, mode.buffered) })
	}
}

func benchmarkAgentRequest(b *testing.B, buffered bool) {
	var c *counting
	o := countingOptions(options{buffered: buffered}, &c)
	o.auditWrap = func(s store.Store) store.Store { return discardAudit{s} }
	e := newEnv(b, o)
	e.grant("acme", 24*time.Hour, "read", "write")
	br := newBrowser(b, e.url())
	br.loginConsole("bob")
	br.enter("acme")
	gw := e.insts[0].gw.Load()

	cookie := []string{login.SessionCookiePlain + "=" + br.cookie() + "; " + browserHeaders().Get("Cookie")}
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/api/orders?page=2", nil)
	r.Header = browserHeaders()
	w := discard{h: http.Header{}}
	serve := func() {
		r.Header["Cookie"] = cookie // the gateway strips its own cookie
		if err := gw.ServeHTTP(w, r, noop); err != nil {
			b.Fatal(err)
		}
		if r.Header.Get("X-Lockbox-Tenant") != "acme" {
			b.Fatalf("not an agent request: %v", r.Header)
		}
	}
	testkit.Eventually(b, func() bool {
		before := c.count()
		serve()
		return c.count() == before
	}, "warm caches")
	before, n := c.count(), 0
	b.ReportAllocs()
	for b.Loop() {
		serve()
		n++
	}
	b.ReportMetric(float64(c.count()-before)/float64(n), "store-trips/op")
}
