package login

import (
	"context"
	"sync/atomic"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// idp is a discovered provider with its verifier and OAuth settings.
type idp struct {
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config // without RedirectURL, which each login sets
	// issRequired: the provider announces RFC 9207, so every
	// authorization response must carry its iss.
	issRequired bool
}

// metadata is what Lockbox reads from the discovery document beside what
// go-oidc reads.
type metadata struct {
	IssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
}

// discovery fetches the provider on first use and caches it. A failure
// is not cached, so the next login tries again; concurrent first logins
// may each fetch, and the first to finish is kept.
type discovery struct {
	cfg    *Config
	cached atomic.Pointer[idp]
}

// get returns the provider, discovering it within the timeout if needed.
func (d *discovery) get(ctx context.Context) (*idp, error) {
	if p := d.cached.Load(); p != nil {
		return p, nil
	}
	ctx, cancel := context.WithTimeout(d.clientContext(ctx), d.cfg.Timeout)
	defer cancel()
	provider, err := oidc.NewProvider(ctx, d.cfg.Issuer)
	if err != nil {
		return nil, idpUnavailable(err)
	}
	var meta metadata
	if err := provider.Claims(&meta); err != nil {
		return nil, idpUnavailable(err)
	}
	p := &idp{
		provider: provider,
		// go-oidc checks the signature, the issuer, that ClientID is one
		// of the audiences, and expiry; the signing algorithms are those
		// the provider announces and go-oidc supports. It leaves extra
		// audiences, azp and iat to the relying party: checkIDToken.
		verifier:    provider.Verifier(&oidc.Config{ClientID: d.cfg.ClientID, Now: d.cfg.Now}),
		issRequired: meta.IssParameterSupported,
		oauth: oauth2.Config{
			ClientID:     d.cfg.ClientID,
			ClientSecret: d.cfg.ClientSecret,
			Endpoint:     provider.Endpoint(),
			Scopes:       d.cfg.Scopes,
		},
	}
	d.cached.CompareAndSwap(nil, p)
	return d.cached.Load(), nil
}

// clientContext makes go-oidc and oauth2 use the configured HTTP client.
func (d *discovery) clientContext(ctx context.Context) context.Context {
	ctx = oidc.ClientContext(ctx, d.cfg.HTTPClient)
	return context.WithValue(ctx, oauth2.HTTPClient, d.cfg.HTTPClient)
}
