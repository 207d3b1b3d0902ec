package adminlink

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// Bounds on what a link may say.
const (
	MaxTTL      = 30 * 24 * time.Hour
	maxAdminID  = 200
	maxRole     = 64
	maxAreas    = 32
	maxAreaName = 64
)

// Claims is what a link grants: one admin of one tenant, until ExpiresAt.
type Claims struct {
	// Tenant is the tenant the admin acts for.
	Tenant string
	// AdminID is the admin's id in the tenant's registry (the JWT sub).
	AdminID string
	// Role is the admin's role when the link was made.
	Role string
	// Areas narrows what the page offers; empty means everything. Kept
	// for a later use; no area names are defined yet.
	Areas []string
	// ExpiresAt is when the link stops opening.
	ExpiresAt time.Time
	// IssuedAt and ID (the jti) are set by Sign.
	IssuedAt time.Time
	ID       string
}

// For returns nil if the claims are for tenant, else ErrWrongTenant.
func (c Claims) For(tenantID string) error {
	if c.Tenant != tenantID {
		return wrongTenant(tenantID)
	}
	return nil
}

// validate checks claims about to be signed, at now.
func (c Claims) validate(now time.Time) error {
	if err := tenant.Validate(c.Tenant); err != nil {
		return err
	}
	if err := field("admin id", c.AdminID, maxAdminID); err != nil {
		return err
	}
	if err := field("role", c.Role, maxRole); err != nil {
		return err
	}
	if err := areas(c.Areas); err != nil {
		return err
	}
	switch left := c.ExpiresAt.Sub(now); {
	case left <= 0:
		return fmt.Errorf("admin link expiry %s is not in the future", c.ExpiresAt.Format(time.RFC3339))
	case left > MaxTTL:
		return fmt.Errorf("admin link expiry is more than %s away", MaxTTL)
	}
	return nil
}

func areas(list []string) error {
	if len(list) > maxAreas {
		return fmt.Errorf("an admin link names at most %d areas", maxAreas)
	}
	for _, a := range list {
		if err := field("area", a, maxAreaName); err != nil {
			return err
		}
	}
	return nil
}

// field requires printable text of 1 to max characters.
func field(name, v string, max int) error {
	if strings.TrimSpace(v) == "" || len([]rune(v)) > max || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return fmt.Errorf("admin link %s must be 1 to %d printable characters", name, max)
	}
	return nil
}

// tokenClaims is the JWT form of Claims.
type tokenClaims struct {
	Tenant string   `json:"tenant"`
	Role   string   `json:"role"`
	Areas  []string `json:"areas,omitempty"`
	jwt.RegisteredClaims
}

func toToken(c Claims) *tokenClaims {
	return &tokenClaims{
		Tenant: c.Tenant,
		Role:   c.Role,
		Areas:  slices.Clone(c.Areas),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   c.AdminID,
			Audience:  jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
			IssuedAt:  jwt.NewNumericDate(c.IssuedAt),
			ID:        c.ID,
		},
	}
}

// fromToken returns the claims of a verified token, refusing one that
// lacks a field a signed link always has.
func fromToken(tc *tokenClaims) (Claims, bool) {
	c := Claims{Tenant: tc.Tenant, AdminID: tc.Subject, Role: tc.Role, Areas: tc.Areas, ID: tc.ID}
	if tc.ExpiresAt == nil || tc.IssuedAt == nil || c.ID == "" {
		return Claims{}, false
	}
	c.ExpiresAt, c.IssuedAt = tc.ExpiresAt.UTC(), tc.IssuedAt.UTC()
	// No link lives longer than MaxTTL, so a retired key opens nothing
	// once RetiredKeyKept has passed.
	if c.ExpiresAt.Sub(c.IssuedAt) > MaxTTL {
		return Claims{}, false
	}
	if tenant.Validate(c.Tenant) != nil || field("admin id", c.AdminID, maxAdminID) != nil ||
		field("role", c.Role, maxRole) != nil || areas(c.Areas) != nil {
		return Claims{}, false
	}
	return c, true
}
