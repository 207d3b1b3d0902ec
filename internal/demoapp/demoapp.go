// Package demoapp is the sample upstream app of `lockbox demo`: a tiny
// multi-tenant app that shows, on plain HTML pages, what it received from
// Lockbox. It lists the identity headers, verifies the X-Lockbox-Token JWT
// against the gateway's JWKS, masks a customer's personal data unless the
// session may see it, offers a form that writes (to tell read-only from
// read-write sessions) and has a billing page that Lockbox's deny rule
// keeps agents out of. Without Lockbox headers the visitor is an ordinary
// one. It trusts no header unless the token verifies and agrees with it.
//
// The package also describes the rest of the demo, free of Caddy: the
// gateway's Caddyfile (Setup) and what the command prints (Banner).
package demoapp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults for Config.
const (
	DefaultHeaderPrefix = "X-Lockbox-"
	DefaultConsolePath  = "/_lockbox/"
	defaultTimeout      = 5 * time.Second
)

// Config says how to check what Lockbox sends.
type Config struct {
	// Issuer is the gateway's token issuer, such as
	// http://127.0.0.1:8080/_lockbox; the keys are fetched from
	// Issuer + "/jwks.json" when the first token arrives.
	Issuer string
	// Audience is the aud claim tokens must carry.
	Audience string
	// HeaderPrefix starts every identity header; default X-Lockbox-.
	HeaderPrefix string
	// ConsolePath is where agents sign in, linked from the pages;
	// default /_lockbox/.
	ConsolePath string
	// HTTPClient fetches the keys; nil means a client with a 5s timeout.
	HTTPClient *http.Client
	// Now is the clock for token expiry; nil means time.Now.
	Now func() time.Time
}

// App is the demo app's http.Handler.
type App struct {
	cfg      Config
	verifier *verifier
	notes    *notes
	mux      *http.ServeMux
}

// New checks cfg and returns the app. It does no network work: the keys
// are fetched when the first token arrives.
func New(cfg Config) (*App, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, verifier: newVerifier(cfg), notes: newNotes()}
	a.mux = http.NewServeMux()
	a.mux.HandleFunc("GET /{$}", a.serveHome)
	a.mux.HandleFunc("POST /notes", a.serveAddNote)
	a.mux.HandleFunc("GET /settings/billing", a.serveBilling)
	a.mux.HandleFunc("/", a.serveNotFound)
	return a, nil
}

// ServeHTTP serves the app's pages.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mux.ServeHTTP(w, r)
}

// normalized validates c and fills in the defaults.
func (c Config) normalized() (Config, error) {
	u, err := url.Parse(c.Issuer)
	if c.Issuer == "" || err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return Config{}, fmt.Errorf("demoapp: issuer %q is not an absolute http or https URL", c.Issuer)
	}
	c.Issuer = strings.TrimSuffix(c.Issuer, "/")
	if c.Audience == "" {
		return Config{}, errors.New("demoapp: audience is required")
	}
	if c.HeaderPrefix == "" {
		c.HeaderPrefix = DefaultHeaderPrefix
	}
	if c.ConsolePath == "" {
		c.ConsolePath = DefaultConsolePath
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
