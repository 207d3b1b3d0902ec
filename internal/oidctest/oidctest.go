// Package oidctest is a small OpenID provider for tests that must see a
// provider misbehave on purpose: send a wrong iss with its authorization
// responses, sign ID tokens with extra audiences, a foreign azp or no
// iat, or leave out the roles claim. It serves discovery, an
// authorization endpoint that answers at once (no login page), a token
// endpoint with client authentication and PKCE, and its JWKS, on
// loopback. Tokens are signed with go-jose; everything else follows the
// happy path unless a Behaviour says otherwise.
package oidctest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// keyID names the provider's one signing key.
const keyID = "oidctest-1"

// Config is a provider's fixed setup.
type Config struct {
	// ClientID and ClientSecret are the one client's credentials.
	ClientID, ClientSecret string
	// IssParameterSupported announces RFC 9207
	// (authorization_response_iss_parameter_supported) in discovery.
	IssParameterSupported bool
}

// Behaviour is how the provider answers; the zero value is a correct
// provider that sends no iss parameter.
type Behaviour struct {
	// SendIss adds an iss parameter to authorization responses: Iss, or
	// the provider's own issuer when Iss is empty.
	SendIss bool
	Iss     string
	// Claims edits the ID token's claims just before signing; nil keeps
	// the defaults (see DefaultClaims).
	Claims func(claims map[string]any)
	// TokenError, when set, makes the token endpoint refuse every code
	// with this OAuth error and a description that repeats the code, as
	// careless providers do.
	TokenError string
}

// Provider is a running test provider.
type Provider struct {
	cfg Config
	srv *httptest.Server
	key *ecdsa.PrivateKey

	mu    sync.Mutex
	b     Behaviour
	codes map[string]grant

	exchanges atomic.Int64
}

// grant is what an authorization code stands for.
type grant struct {
	redirectURI, nonce, challenge string
}

// Start runs a provider on 127.0.0.1 until the test ends.
func Start(t testing.TB, cfg Config) *Provider {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{cfg: cfg, key: key, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.serveDiscovery)
	mux.HandleFunc("GET /authorize", p.serveAuthorize)
	mux.HandleFunc("POST /token", p.serveToken)
	mux.HandleFunc("GET /jwks", p.serveJWKS)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// Issuer returns the provider's issuer URL, http://127.0.0.1:<port>.
func (p *Provider) Issuer() string { return p.srv.URL }

// Set changes how the provider answers from now on.
func (p *Provider) Set(b Behaviour) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.b = b
}

// Exchanges returns how many requests reached the token endpoint, so a
// test can tell that a response was refused before its code was spent.
func (p *Provider) Exchanges() int64 { return p.exchanges.Load() }

func (p *Provider) behaviour() Behaviour {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.b
}

func (p *Provider) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: keyID, Algorithm: string(jose.ES256), Use: "sig"}}}
	writeJSON(w, http.StatusOK, set)
}
