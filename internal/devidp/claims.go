package devidp

import (
	"context"
	"slices"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// setUserinfo fills info with the claims of the user with the given
// subject.
func (s *storage) setUserinfo(info *oidc.UserInfo, subject string) error {
	u, ok := s.user(subject)
	if !ok {
		return oidc.ErrAccessDenied().WithDescription("user no longer exists")
	}
	u.fillUserinfo(info)
	return nil
}

// SetUserinfoFromRequest puts the user's claims (name, email, groups, ...)
// in the ID token whenever openid is requested, whatever other scopes
// were asked for, as Lockbox reads roles from the ID token alone.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if !slices.Contains(scopes, oidc.ScopeOpenID) {
		return nil
	}
	return s.setUserinfo(info, req.GetSubject())
}

// SetUserinfoFromScopes is deprecated in the library and left empty, as it
// asks; SetUserinfoFromRequest does the work.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// GetPrivateClaimsFromScopes returns nothing: access tokens are opaque.
func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

var _ op.CanSetUserinfoFromRequest = (*storage)(nil)
