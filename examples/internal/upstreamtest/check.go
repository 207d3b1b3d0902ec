package upstreamtest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"
)

// identity is what an example app answers on GET /.
type identity struct {
	Agent  any      `json:"agent"`
	Tenant string   `json:"tenant"`
	Sub    string   `json:"agent_sub"`
	Scopes []string `json:"scopes"`
	Sess   string   `json:"session"`
}

// Exercise runs an example app behind a real Lockbox and checks what it
// accepts. start runs the app, told the gateway's issuer and audience,
// and returns its URL (http://host:port) once it answers. Then an agent
// signs in and enters a tenant through the gateway; the app must take
// the agent from the token Lockbox sent, accept that token sent to it
// directly, answer ordinary traffic as such, and refuse every forgery.
func Exercise(t *testing.T, start func(issuer, audience string) (appURL string)) {
	g := NewGateway(t)
	appURL := start(g.Issuer, g.Audience)
	rec := NewRecorder(t, appURL)
	g.Start(rec.HostPort())
	g.Grant(Tenant)
	agent := g.SignIn(Tenant)

	t.Run("agent through Lockbox", func(t *testing.T) {
		status, body := agent.Get("/")
		wantAgent(t, status, body)
	})
	raw := rec.Token()
	if raw == "" {
		t.Fatal("Lockbox sent the app no token")
	}
	t.Run("the real token", func(t *testing.T) {
		status, body := send(t, appURL, map[string]string{"X-Lockbox-Tenant": Tenant, "X-Lockbox-Token": raw})
		wantAgent(t, status, body)
	})
	t.Run("ordinary traffic", func(t *testing.T) {
		status, body := send(t, appURL, nil)
		var id identity
		if status != http.StatusOK || json.Unmarshal([]byte(body), &id) != nil || id.Agent != nil {
			t.Fatalf("want 200 {\"agent\": null}, got %d %s", status, body)
		}
	})
	f := newForger(t, raw, g.key)
	t.Run("the real claims re-signed", func(t *testing.T) {
		status, body := send(t, appURL, map[string]string{"X-Lockbox-Tenant": Tenant, "X-Lockbox-Token": f.realToken()})
		wantAgent(t, status, body)
	})
	t.Run("headers without a token", func(t *testing.T) {
		status, body := send(t, appURL, map[string]string{"X-Lockbox-Tenant": Tenant})
		wantRefused(t, status, body)
	})
	for _, fg := range f.Forgeries() {
		t.Run(fg.Name, func(t *testing.T) {
			tenant := fg.Tenant
			if tenant == "" {
				tenant = Tenant
			}
			status, body := send(t, appURL, map[string]string{"X-Lockbox-Tenant": tenant, "X-Lockbox-Token": fg.Token})
			wantRefused(t, status, body)
		})
	}
	if n := f.evil.fetches.Load(); n != 0 {
		t.Errorf("the app fetched keys from a URL in a token's header %d times", n)
	}
	t.Run("still serves the agent", func(t *testing.T) {
		status, body := agent.Get("/")
		wantAgent(t, status, body)
	})
}

// send requests GET / on the app directly with headers.
func send(t *testing.T, appURL string, headers map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, appURL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// wantAgent expects the app to have served the agent in the tenant.
func wantAgent(t *testing.T, status int, body string) {
	t.Helper()
	var id identity
	if status != http.StatusOK || json.Unmarshal([]byte(body), &id) != nil {
		t.Fatalf("want 200 with the agent, got %d %s", status, body)
	}
	if id.Agent != AgentEmail || id.Tenant != Tenant || id.Sub != AgentUser || id.Sess == "" ||
		!slices.Contains(id.Scopes, "read") || !slices.Contains(id.Scopes, "write") {
		t.Fatalf("the app serves the wrong identity: %s", body)
	}
}

// wantRefused expects a 403 that serves no identity.
func wantRefused(t *testing.T, status int, body string) {
	t.Helper()
	if status != http.StatusForbidden {
		t.Fatalf("want 403, got %d %s", status, body)
	}
}
