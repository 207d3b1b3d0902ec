package caddymodule_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads the admin endpoint's /metrics and parses it as Prometheus
// does.
func scrape(t *testing.T, admin string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// sample returns the value of the family's series with labels (a counter,
// gauge, or a histogram's count), and whether there is one.
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	sum, found := 0.0, false
next:
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum, found
}

// TestMetricsAfterAnAgentSession runs a scripted agent session through a
// real lockbox process, scrapes the admin endpoint's /metrics and checks
// that every Lockbox family is there, beside Caddy's own, counting what
// happened, with no tenant, agent or path among the labels.
func TestMetricsAfterAnAgentSession(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t, envOptions{})
	gw := e.gw()
	site := gw.site[len("http://"):]
	gw.grant("acme", "--for", "7d", "--scopes", "read,write")

	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	for range 3 {
		bob.get("/orders").echo(t)
	}
	if r := bob.get("/settings/billing"); r.status != http.StatusForbidden {
		t.Fatalf("billing: %s", r.summary())
	}
	bob.ask(url.Values{"tenant": {"globex"}, "reason": {"INC-9: globex cannot log in"}, "duration": {"1d"}})
	dave := newAgentBrowser(t, gw.site)
	dave.login("dave")

	var fams map[string]*dto.MetricFamily
	testkit.EventuallyWithin(t, 15*time.Second, func() bool {
		fams = scrape(t, gw.admin)
		n, _ := sample(fams, "lockbox_sessions_active", nil)
		w, _ := sample(fams, "lockbox_audit_write_duration_seconds", nil)
		return n == 1 && w > 0
	}, "one open session and an audit write in /metrics")

	for _, tt := range []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"lockbox_agent_requests_total", map[string]string{"site": site, "outcome": "allowed"}, 3},
		{"lockbox_agent_requests_total", map[string]string{"site": site, "outcome": "denied", "reason": "blocked_action"}, 1},
		{"lockbox_logins_total", map[string]string{"site": site, "outcome": "success"}, 1},
		{"lockbox_logins_total", map[string]string{"site": site, "outcome": "no_role"}, 1},
		{"lockbox_grants_total", map[string]string{"event": "created"}, 1},
		{"lockbox_access_requests_total", map[string]string{"state": "created"}, 1},
		{"lockbox_store_operation_duration_seconds", map[string]string{"backend": "bolt", "operation": "AppendEvents"}, 1},
		{"lockbox_store_errors_total", nil, 0},
		{"lockbox_audit_queue_depth", nil, 0},
		{"lockbox_audit_write_duration_seconds", nil, 1},
		{"lockbox_change_feed_age_seconds", nil, 0},
		{"lockbox_outbox_notifications", map[string]string{"channel": "webhook", "state": "pending"}, 0},
		{"lockbox_outbox_notifications", map[string]string{"channel": "email", "state": "failed"}, 0},
		{"caddy_admin_http_requests_total", nil, 1},
	} {
		got, ok := sample(fams, tt.name, tt.labels)
		if !ok || got < tt.min {
			t.Errorf("%s%v = %v (present %v), want at least %v", tt.name, tt.labels, got, ok, tt.min)
		}
	}
	if age, _ := sample(fams, "lockbox_change_feed_age_seconds", nil); age > 5 {
		t.Errorf("change feed age %vs: the heartbeats are not heard", age)
	}
	for name, f := range fams {
		if !strings.HasPrefix(name, "lockbox_") {
			continue
		}
		for _, m := range f.Metric {
			for _, l := range m.Label {
				switch l.GetName() {
				case "tenant", "agent", "path", "session", "email":
					t.Errorf("%s has a %s label", name, l.GetName())
				}
			}
		}
	}

	// Counters count on: a revocation ends the session.
	gw.revoke("acme", "done")
	testkit.EventuallyWithin(t, 15*time.Second, func() bool {
		fams = scrape(t, gw.admin)
		r, _ := sample(fams, "lockbox_grants_total", map[string]string{"event": "revoked"})
		return r == 1
	}, "the revocation counted")
}
