// Package devidp is a development OpenID Connect provider for Lockbox's
// demo and tests. The protocol (discovery, authorization code flow with
// PKCE, tokens, JWKS, userinfo) is zitadel/oidc's op package; this package
// supplies in-memory storage, a fixed set of users, a plain login page and
// a constructor. It is meant for loopback use only: plain HTTP is allowed,
// every password equals its username, and nothing is persisted.
package devidp

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Config describes a development provider.
type Config struct {
	// Issuer is the provider's public URL, such as "http://127.0.0.1:9999"
	// or "http://127.0.0.1:9999/idp". Plain http is accepted.
	Issuer string

	// Clients are the relying parties allowed to log users in.
	Clients []Client

	// Users are the accounts offered on the login page; nil means
	// DefaultUsers().
	Users []User

	// Now is the clock for auth request and access token expiry and for
	// auth_time; nil means time.Now. The library stamps iat and exp of
	// ID tokens from the system clock.
	Now func() time.Time

	// Logger receives the library's protocol error logs; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Client is a registered relying party.
type Client struct {
	// ID is the client_id.
	ID string

	// Secret authenticates the client at the token endpoint with
	// client_secret_basic or client_secret_post. Empty makes the client
	// public (token endpoint auth method "none").
	Secret string

	// RedirectURIs are the exact redirect_uri values the client may use.
	RedirectURIs []string

	// PostLogoutRedirectURIs are the exact post_logout_redirect_uri
	// values the client may pass to the end_session endpoint.
	PostLogoutRedirectURIs []string
}

// Provider is a running OpenID provider; serve it with Handler.
type Provider struct {
	issuer  string
	handler http.Handler
}

// New validates cfg, generates a fresh signing key and returns a provider
// for cfg.Issuer.
func New(cfg Config) (*Provider, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	key, err := newSigningKey()
	if err != nil {
		return nil, err
	}
	st := newStorage(cfg, key)
	openID, err := newOpenIDProvider(cfg, st)
	if err != nil {
		return nil, err
	}
	p := &Provider{issuer: cfg.Issuer}
	p.handler = p.routes(openID, st)
	return p, nil
}

// Issuer returns the issuer URL the provider announces.
func (p *Provider) Issuer() string { return p.issuer }

// Handler serves the provider at the path of its issuer URL: discovery at
// <issuer>/.well-known/openid-configuration, the login page at
// <issuer>/login, and the library's endpoints beside them.
func (p *Provider) Handler() http.Handler { return p.handler }

// newOpenIDProvider builds the library's provider over st.
func newOpenIDProvider(cfg Config, st *storage) (*op.Provider, error) {
	conf := &op.Config{
		DefaultLogoutRedirectURI: cfg.Issuer + loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedClaims:          slices.Concat(op.DefaultSupportedClaims, []string{groupsClaim}),
		SupportedScopes:          []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, groupsClaim},
	}
	if _, err := rand.Read(conf.CryptoKey[:]); err != nil {
		return nil, fmt.Errorf("generating token encryption key: %v", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	provider, err := op.NewProvider(conf, st, op.StaticIssuer(cfg.Issuer),
		op.WithAllowInsecure(), op.WithLogger(logger))
	if err != nil {
		return nil, fmt.Errorf("creating openid provider: %v", err)
	}
	return provider, nil
}

// routes mounts the login pages beside the library's endpoints, under the
// issuer's path.
func (p *Provider) routes(openID *op.Provider, st *storage) http.Handler {
	login := &loginHandler{
		store:       st,
		callbackURL: op.AuthCallbackURL(openID),
		issuer:      p.issuer,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+loginPath, login.show)
	mux.HandleFunc("POST "+loginPath, login.submit)
	mux.HandleFunc(loginPath, loginMethodNotAllowed) // else "/" would take it
	mux.HandleFunc(loggedOutPath, login.serveLoggedOut)
	mux.Handle("/", openID)
	prefix := issuerPath(p.issuer)
	if prefix == "" {
		return mux
	}
	return http.StripPrefix(prefix, mux)
}

// issuerPath returns the path part of an issuer URL without a trailing
// slash; the issuer was validated before.
func issuerPath(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}
