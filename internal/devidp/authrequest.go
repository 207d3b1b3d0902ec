package devidp

import (
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// authRequest is one pending or completed authorization request. Storage
// hands the library copies, so a login completing on one goroutine never
// races with a read on another.
type authRequest struct {
	id       string
	params   oidc.AuthRequest // the validated request parameters
	expires  time.Time
	subject  string    // set once a user has logged in
	authTime time.Time // when the user logged in
	code     string    // the code issued for this request, if any
}

// snapshot returns a copy that is safe to hand out.
func (a *authRequest) snapshot() *authRequest {
	c := *a
	c.params.Scopes = slices.Clone(a.params.Scopes)
	return &c
}

// GetID returns the auth request id.
func (a *authRequest) GetID() string { return a.id }

// GetACR returns no authentication context class.
func (a *authRequest) GetACR() string { return "" }

// GetAMR reports password authentication.
func (a *authRequest) GetAMR() []string { return []string{"pwd"} }

// GetAudience is the requesting client.
func (a *authRequest) GetAudience() []string { return []string{a.params.ClientID} }

// GetAuthTime returns when the user logged in.
func (a *authRequest) GetAuthTime() time.Time { return a.authTime }

// GetClientID returns the requesting client's id.
func (a *authRequest) GetClientID() string { return a.params.ClientID }

// GetCodeChallenge returns the PKCE challenge.
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.params.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{
		Challenge: a.params.CodeChallenge,
		Method:    a.params.CodeChallengeMethod,
	}
}

// GetNonce returns the nonce the client sent.
func (a *authRequest) GetNonce() string { return a.params.Nonce }

// GetRedirectURI returns the validated redirect_uri.
func (a *authRequest) GetRedirectURI() string { return a.params.RedirectURI }

// GetResponseType returns the requested response type.
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.params.ResponseType }

// GetResponseMode returns the requested response mode.
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.params.ResponseMode }

// GetScopes returns the granted scopes.
func (a *authRequest) GetScopes() []string { return a.params.Scopes }

// GetState returns the client's state value.
func (a *authRequest) GetState() string { return a.params.State }

// GetSubject returns the logged-in user, empty before login.
func (a *authRequest) GetSubject() string { return a.subject }

// Done reports whether a user has logged in.
func (a *authRequest) Done() bool { return a.subject != "" }

var _ op.AuthRequest = (*authRequest)(nil)
