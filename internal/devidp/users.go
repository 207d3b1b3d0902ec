package devidp

import (
	"crypto/subtle"
	"slices"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// groupsClaim is the claim and scope carrying a user's groups, which
// Lockbox maps to agent roles.
const groupsClaim = "groups"

// User is an account on the login page. Its password is its username.
type User struct {
	// Username is the login name, the subject (sub) and the
	// preferred_username of the user.
	Username string

	// Name is the display name (name claim).
	Name string

	// Email is the verified email address (email claim).
	Email string

	// Groups is the groups claim; empty means a user without a role.
	Groups []string
}

// DefaultUsers returns the demo accounts: one per Lockbox role in the
// example configuration, and dave, who has no role.
func DefaultUsers() []User {
	return []User{
		{Username: "alice", Name: "Alice Agent", Email: "alice@support.example", Groups: []string{"support"}},
		{Username: "bob", Name: "Bob Operator", Email: "bob@support.example", Groups: []string{"customer-ops"}},
		{Username: "carol", Name: "Carol Oncall", Email: "carol@support.example", Groups: []string{"sec-oncall"}},
		{Username: "dave", Name: "Dave Nobody", Email: "dave@support.example", Groups: []string{}},
	}
}

// checkPassword reports whether password is u's password, in constant
// time.
func (u User) checkPassword(password string) bool {
	return equalSecret(password, u.Username)
}

// equalSecret compares a presented secret with the expected one in
// constant time.
func equalSecret(presented, expected string) bool {
	return subtle.ConstantTimeCompare([]byte(presented), []byte(expected)) == 1
}

// fillUserinfo sets u's claims on info. Groups is always present, empty
// for a user without groups, so relying parties see "no role" rather than
// "claim missing".
func (u User) fillUserinfo(info *oidc.UserInfo) {
	info.Subject = u.Username
	info.Name = u.Name
	info.PreferredUsername = u.Username
	info.Email = u.Email
	info.EmailVerified = oidc.Bool(true)
	groups := slices.Clone(u.Groups)
	if groups == nil {
		groups = []string{}
	}
	info.AppendClaims(groupsClaim, groups)
}

// cloneUsers copies users deeply so later changes by the caller do not
// reach the provider.
func cloneUsers(users []User) []User {
	out := slices.Clone(users)
	for i := range out {
		out[i].Groups = slices.Clone(out[i].Groups)
	}
	return out
}
