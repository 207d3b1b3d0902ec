package notify

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Endpoint is a webhook receiver.
type Endpoint struct {
	// Name identifies the endpoint in the outbox, so notifications still
	// pending reach it after its URL changes. Default: the URL without
	// credentials, query or fragment.
	Name string
	// URL receives the POST requests; http or https.
	URL string
	// Secret signs them: "whsec_" then the base64 of 24 to 64 random bytes
	// (NewSecret makes one).
	Secret string
}

// Secret sizes allowed by Standard Webhooks.
const (
	minSecretBytes = 24
	maxSecretBytes = 64
	secretPrefix   = "whsec_"
	maxNameLen     = 1024
)

// endpoint is an Endpoint ready to send to.
type endpoint struct {
	name string
	url  string
	wh   *standardwebhooks.Webhook
}

// newEndpoints checks eps and returns them by name, names filled in.
// Errors name an endpoint by its name, never by its secret.
func newEndpoints(eps []Endpoint) ([]Endpoint, map[string]*endpoint, error) {
	out := make([]Endpoint, len(eps))
	byName := make(map[string]*endpoint, len(eps))
	for i, ep := range eps {
		e, err := newEndpoint(ep)
		if err != nil {
			return nil, nil, err
		}
		if byName[e.name] != nil {
			return nil, nil, fmt.Errorf("two webhook endpoints named %q", e.name)
		}
		byName[e.name] = e
		ep.Name = e.name
		out[i] = ep
	}
	return out, byName, nil
}

// newEndpoint checks one endpoint.
func newEndpoint(ep Endpoint) (*endpoint, error) {
	u, err := url.Parse(ep.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("webhook endpoint %q: url must be an absolute http or https URL", ep.Name)
	}
	name := ep.Name
	if name == "" {
		name = displayURL(u)
	}
	if len(name) > maxNameLen || strings.TrimSpace(name) != name {
		return nil, fmt.Errorf("webhook endpoint name %.64q: at most %d bytes, no surrounding space", name, maxNameLen)
	}
	key, err := ParseSecret(ep.Secret)
	if err != nil {
		return nil, fmt.Errorf("webhook endpoint %q: %w", name, err)
	}
	wh, err := standardwebhooks.NewWebhookRaw(key)
	if err != nil {
		return nil, fmt.Errorf("webhook endpoint %q: signing key: %w", name, err)
	}
	u.Fragment = ""
	return &endpoint{name: name, url: u.String(), wh: wh}, nil
}

// displayURL is u without credentials, query or fragment, which may hold
// secrets and so stay out of names, errors and logs.
func displayURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// ParseSecret returns the signing key of a Standard Webhooks secret:
// "whsec_" (optional) then the base64 of 24 to 64 bytes. Its errors never
// contain the secret.
func ParseSecret(secret string) ([]byte, error) {
	if secret == "" {
		return nil, errors.New("webhook secret is required")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return nil, errors.New("webhook secret must be " + secretPrefix + " followed by standard base64")
	}
	if len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return nil, fmt.Errorf("webhook secret must encode %d to %d bytes, not %d", minSecretBytes, maxSecretBytes, len(key))
	}
	return key, nil
}

// NewSecret returns a fresh random secret in the form ParseSecret takes.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails
	return secretPrefix + base64.StdEncoding.EncodeToString(b[:])
}
