package gateway

import (
	"errors"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/feed"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Deps are the parts a Gateway works with: the required Core, the
// optional Pages, and optional extras.
type Deps struct {
	Core
	Pages
	// Logger logs what goes wrong; nil logs nothing.
	Logger *zap.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Requests lets agents ask tenants for access from the console
	// (POST <prefix>/requests); nil hides the feature.
	Requests *request.Service
	// Limits cap the logins of each client and the access requests of
	// each agent; nil sets no limit.
	Limits *ratelimit.Limits
	// Ops report each agent request to operators: metrics, decision logs.
	Ops Ops
	// Feed is the store's change feed, shared by every site on the store;
	// nil means the gateway follows the store on its own.
	Feed *feed.Feed
}

// Core are the parts every gateway needs; all are required.
type Core struct {
	// Store keeps grants, sessions and logins.
	Store store.Store
	// Grants reads and ends the tenants' grants.
	Grants *grant.Service
	// Login signs agents in with the vendor's identity provider.
	Login *login.Service
	// Keys sign impersonation tokens and are published as the JWKS.
	Keys *token.Keys
	// Minter issues the impersonation tokens.
	Minter *token.Minter
	// Audit records every agent action.
	Audit *audit.Writer
}

// check reports a missing part.
func (c Core) check() error {
	if c.Store == nil || c.Grants == nil || c.Login == nil || c.Keys == nil || c.Minter == nil || c.Audit == nil {
		return errors.New("gateway: store, grants, login, keys, minter and audit are required")
	}
	return nil
}

// Pages are the tenant admins' parts Lockbox serves under its prefix,
// given full paths.
type Pages struct {
	// AdminPage serves the hosted Support Access page, <prefix>/admin and
	// below; nil answers those paths 404.
	AdminPage http.Handler
	// API serves the app API, <prefix>/api/v1 and below; nil answers
	// those paths 404.
	API http.Handler
}
