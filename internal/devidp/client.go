package devidp

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// idTokenLifetime is how long ID tokens are valid.
const idTokenLifetime = time.Hour

// client adapts a configured Client to the library's op.Client: a web
// application using the authorization code flow only.
type client struct {
	cfg      Client
	loginURL string // absolute URL of the login page
}

// GetID returns the client_id.
func (c *client) GetID() string { return c.cfg.ID }

// RedirectURIs returns the registered redirect URIs.
func (c *client) RedirectURIs() []string { return slices.Clone(c.cfg.RedirectURIs) }

// PostLogoutRedirectURIs returns the registered post-logout redirect URIs.
func (c *client) PostLogoutRedirectURIs() []string {
	return slices.Clone(c.cfg.PostLogoutRedirectURIs)
}

// ApplicationType is web: redirect URIs are matched exactly.
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }

// AuthMethod is client_secret_basic (the library also accepts the secret
// in the form) or none for a client without a secret.
func (c *client) AuthMethod() oidc.AuthMethod {
	if c.cfg.Secret == "" {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

// ResponseTypes allows the code flow only.
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

// GrantTypes allows the authorization code grant only.
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode}
}

// LoginURL is where the library sends the browser for auth request id.
func (c *client) LoginURL(id string) string {
	return c.loginURL + "?" + url.Values{"id": {id}}.Encode()
}

// AccessTokenType is opaque bearer tokens, resolved through storage.
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }

// IDTokenLifetime returns how long ID tokens are valid.
func (c *client) IDTokenLifetime() time.Duration { return idTokenLifetime }

// DevMode allows plain-http redirect URIs, which loopback relying parties
// use.
func (c *client) DevMode() bool { return true }

// RestrictAdditionalIdTokenScopes keeps all scopes.
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string { return keepScopes }

// RestrictAdditionalAccessTokenScopes keeps all scopes.
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string { return keepScopes }

// IsScopeAllowed admits the groups scope beside the standard ones.
func (c *client) IsScopeAllowed(scope string) bool { return scope == groupsClaim }

// IDTokenUserinfoClaimsAssertion puts the user's claims in the ID token
// even though an access token is issued too, so relying parties need no
// userinfo call.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }

// ClockSkew is zero: the provider and its relying parties share a machine.
func (c *client) ClockSkew() time.Duration { return 0 }

// GetClientByClientID returns a registered client.
func (s *storage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	c, ok := s.clients[clientID]
	if !ok {
		return nil, errUnknownClient
	}
	return c, nil
}

// AuthorizeClientIDSecret checks a confidential client's secret in
// constant time.
func (s *storage) AuthorizeClientIDSecret(_ context.Context, clientID, secret string) error {
	c, ok := s.clients[clientID]
	if !ok || c.cfg.Secret == "" || !equalSecret(secret, c.cfg.Secret) {
		return errors.New("devidp: invalid client credentials")
	}
	return nil
}

// keepScopes returns scopes unchanged.
func keepScopes(scopes []string) []string { return scopes }

var _ op.Client = (*client)(nil)
