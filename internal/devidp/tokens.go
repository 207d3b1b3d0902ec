package devidp

import (
	"context"
	"crypto/rand"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// accessTokenLifetime is how long access tokens are valid.
const accessTokenLifetime = time.Hour

// accessToken is the server-side record behind an opaque access token,
// which the library encrypts as "<token id>:<subject>".
type accessToken struct {
	id       string
	subject  string
	clientID string
	scopes   []string
	expires  time.Time
}

// CreateAccessToken spends the code of a redeemed auth request and
// records an access token for it.
func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	ar, ok := req.(op.AuthRequest)
	if !ok {
		return "", time.Time{}, errUnsupported
	}
	t := &accessToken{
		id:       rand.Text(),
		subject:  ar.GetSubject(),
		clientID: ar.GetClientID(),
		scopes:   slices.Clone(ar.GetScopes()),
		expires:  s.now().Add(accessTokenLifetime),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.claimRequest(ar.GetID()); err != nil {
		return "", time.Time{}, err
	}
	s.tokens[t.id] = t
	return t.id, t.expires, nil
}

// liveToken returns an unexpired access token issued to subject.
func (s *storage) liveToken(id, subject string) (*accessToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[id]
	if !ok || t.subject != subject || !s.now().Before(t.expires) {
		return nil, false
	}
	return t, true
}

// SetUserinfoFromToken fills the userinfo response for a valid access
// token.
func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	t, ok := s.liveToken(tokenID, subject)
	if !ok {
		return oidc.ErrAccessDenied().WithDescription("access token invalid or expired")
	}
	return s.setUserinfo(info, t.subject)
}

// SetIntrospectionFromToken describes a valid access token to the client
// it was issued to.
func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	t, ok := s.liveToken(tokenID, subject)
	if !ok || t.clientID != clientID {
		return oidc.ErrAccessDenied().WithDescription("token not active for this client")
	}
	info := new(oidc.UserInfo)
	if err := s.setUserinfo(info, t.subject); err != nil {
		return err
	}
	resp.SetUserInfo(info)
	resp.Scope = t.scopes
	resp.ClientID = t.clientID
	resp.Audience = []string{t.clientID}
	resp.TokenType = oidc.BearerToken
	resp.Expiration = oidc.FromTime(t.expires)
	return nil
}

// RevokeToken revokes an access token. Unknown tokens are not an error
// (RFC 7009, section 2.2); another client's token is.
func (s *storage) RevokeToken(_ context.Context, tokenID, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tokenID]
	if !ok {
		return nil
	}
	if t.clientID != clientID {
		return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
	}
	delete(s.tokens, tokenID)
	return nil
}

// TerminateSession revokes the user's access tokens for the client; the
// provider keeps no login session of its own.
func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.tokens {
		if t.subject == userID && t.clientID == clientID {
			delete(s.tokens, id)
		}
	}
	return nil
}

// CreateAccessAndRefreshTokens is never reached: no client has the
// refresh_token grant.
func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errUnsupported
}

// TokenRequestByRefreshToken refuses: refresh tokens are not issued.
func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, oidc.ErrInvalidGrant().WithDescription("refresh tokens are not supported")
}

// GetRefreshTokenInfo reports every token as not a refresh token, which
// makes the revocation endpoint treat it as an access token.
func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}
