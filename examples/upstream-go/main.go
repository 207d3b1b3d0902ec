// Command upstream-go is an example app behind Lockbox. It shows the one
// thing an upstream app must get right: trust the X-Lockbox-* identity
// headers only when X-Lockbox-Token is a valid token from your gateway,
// and take the identity from the verified claims.
//
// Run it behind `lockbox run` with reverse_proxy 127.0.0.1:9000:
//
//	LOCKBOX_ISSUER=https://app.example.com/_lockbox \
//	LOCKBOX_AUDIENCE=app.example.com \
//	go run ./examples/upstream-go
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
)

// tokenType is the typ header of Lockbox's tokens; pinning it refuses a
// token of another kind signed by the same keys.
const tokenType = "JWT"

// Agent is a support agent working in a tenant, as the verified token
// says.
type Agent struct {
	Tenant     string   `json:"tenant"`
	Email      string   `json:"agent"`
	Subject    string   `json:"agent_sub"`
	Scopes     []string `json:"scopes"`
	Session    string   `json:"session"`
	Grant      string   `json:"grant,omitempty"`
	BreakGlass bool     `json:"break_glass,omitempty"`
}

// Can reports whether the agent's session has scope, such as "write" or
// "pii" (show personal data unmasked).
func (a *Agent) Can(scope string) bool { return slices.Contains(a.Scopes, scope) }

// claims are the token's claims the app uses; typed, so a claim of the
// wrong type fails decoding.
type claims struct {
	Subject string `json:"sub"`
	Tenant  string `json:"tenant"`
	Actor   struct {
		Subject string `json:"sub"`
		Email   string `json:"email"`
	} `json:"act"`
	Scope      string `json:"scope"`
	SessionID  string `json:"sid"`
	Grant      string `json:"grant"`
	BreakGlass bool   `json:"break_glass"`
}

// lockbox verifies tokens against the gateway's discovery document. The
// document is fetched on first use, so the app may start before Lockbox.
type lockbox struct {
	issuer, audience string
	client           *http.Client

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
}

// verifierFor returns the verifier, discovering the keys on first use.
func (l *lockbox) verifierFor(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.verifier != nil {
		return l.verifier, nil
	}
	// The provider keeps this context to refresh the keys after a
	// rotation, so it must outlive the request.
	ctx = oidc.ClientContext(context.WithoutCancel(ctx), l.client)
	p, err := oidc.NewProvider(ctx, l.issuer)
	if err != nil {
		return nil, fmt.Errorf("discovering the Lockbox issuer: %w", err)
	}
	l.verifier = p.Verifier(&oidc.Config{ClientID: l.audience, SupportedSigningAlgs: []string{oidc.ES256}})
	return l.verifier, nil
}

// agent returns the agent of r, nil for ordinary traffic, or an error
// when Lockbox headers arrived that cannot be trusted.
func (l *lockbox) agent(r *http.Request) (*Agent, error) {
	raw := r.Header.Get("X-Lockbox-Token")
	if raw == "" {
		if hasLockboxHeader(r.Header) {
			return nil, errors.New("X-Lockbox-* headers without a token")
		}
		return nil, nil
	}
	v, err := l.verifierFor(r.Context())
	if err != nil {
		return nil, err
	}
	tok, err := v.Verify(r.Context(), raw) // ES256 signature, iss, aud, exp
	if err != nil {
		return nil, err
	}
	// go-oidc accepts any audience list that names ours; Lockbox sends
	// exactly one, so a token meant for more than one app is refused.
	if len(tok.Audience) != 1 {
		return nil, errors.New("the token is meant for more than one audience")
	}
	if err := checkType(raw); err != nil {
		return nil, err
	}
	var c claims
	if err := tok.Claims(&c); err != nil {
		return nil, err
	}
	if c.Tenant == "" || c.Subject != c.Tenant || c.Actor.Subject == "" || c.SessionID == "" {
		return nil, errors.New("the token does not name one agent in one tenant")
	}
	if r.Header.Get("X-Lockbox-Tenant") != c.Tenant {
		return nil, errors.New("X-Lockbox-Tenant disagrees with the token")
	}
	return &Agent{
		Tenant: c.Tenant, Email: c.Actor.Email, Subject: c.Actor.Subject,
		Scopes: strings.Fields(c.Scope), Session: c.SessionID, Grant: c.Grant, BreakGlass: c.BreakGlass,
	}, nil
}

// checkType refuses a token whose typ header is not tokenType.
func checkType(raw string) error {
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return err
	}
	if typ, _ := jws.Signatures[0].Protected.ExtraHeaders[jose.HeaderType].(string); typ != tokenType {
		return fmt.Errorf("the token's type is %q, not %q", typ, tokenType)
	}
	return nil
}

// hasLockboxHeader reports whether any X-Lockbox-* header arrived.
func hasLockboxHeader(h http.Header) bool {
	for name := range h {
		if strings.HasPrefix(strings.ToLower(name), "x-lockbox-") {
			return true
		}
	}
	return false
}

type agentKey struct{}

// middleware puts the verified agent in the request's context and refuses
// requests whose Lockbox headers cannot be trusted.
func (l *lockbox) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := l.agent(r)
		if err != nil {
			log.Printf("refused untrusted support-access request: %v", err)
			http.Error(w, "untrusted support-access request", http.StatusForbidden)
			return
		}
		if a != nil {
			r = r.WithContext(context.WithValue(r.Context(), agentKey{}, a))
		}
		next.ServeHTTP(w, r)
	})
}

// AgentFrom returns the verified agent of the request, or nil.
func AgentFrom(ctx context.Context) *Agent {
	a, _ := ctx.Value(agentKey{}).(*Agent)
	return a
}

// whoami answers with the identity the app works with.
func whoami(w http.ResponseWriter, r *http.Request) {
	a := AgentFrom(r.Context())
	w.Header().Set("Content-Type", "application/json")
	if a == nil {
		// Your app's own sign-in applies to ordinary traffic.
		_ = json.NewEncoder(w).Encode(map[string]any{"agent": nil})
		return
	}
	// An app also checks that a.Tenant is the tenant this request is for,
	// and masks personal data unless a.Can("pii").
	_ = json.NewEncoder(w).Encode(a)
}

func main() {
	issuer, audience := os.Getenv("LOCKBOX_ISSUER"), os.Getenv("LOCKBOX_AUDIENCE")
	if issuer == "" || audience == "" {
		log.Fatal("set LOCKBOX_ISSUER (e.g. https://app.example.com/_lockbox) and LOCKBOX_AUDIENCE (e.g. app.example.com)")
	}
	addr := os.Getenv("LISTEN")
	if addr == "" {
		addr = "127.0.0.1:9000"
	}
	l := &lockbox{issuer: issuer, audience: audience, client: &http.Client{Timeout: 5 * time.Second}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", whoami)
	srv := &http.Server{Addr: addr, Handler: l.middleware(mux), ReadHeaderTimeout: 10 * time.Second}
	log.Printf("listening on %s, trusting tokens from %s", addr, issuer)
	log.Fatal(srv.ListenAndServe())
}
