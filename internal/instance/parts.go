package instance

import (
	"slices"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/feed"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Store returns the store, which publishes the events appended to it as
// notifications.
func (i *Instance) Store() store.Store { return i.store }

// Feed returns the store's change feed, which every site follows.
func (i *Instance) Feed() *feed.Feed { return i.feed.get() }

// Grants returns the grant service over the store.
func (i *Instance) Grants() *grant.Service { return i.grants }

// Audit returns the audit writer every site records events with.
func (i *Instance) Audit() *audit.Writer { return i.audit }

// AuditBuffered reports whether agent requests go on before their audit
// events are durable (audit buffered).
func (i *Instance) AuditBuffered() bool { return i.set.buffered }

// Keys returns the signing keys of impersonation tokens.
func (i *Instance) Keys() *token.Keys { return i.keys }

// Limits returns the rate limits every site shares.
func (i *Instance) Limits() *ratelimit.Limits { return i.limits }

// Admins returns the registry of the tenants' admins.
func (i *Instance) Admins() *admins.Registry { return i.admins }

// Links returns the signer of admin links to the Support Access page.
func (i *Instance) Links() *adminlink.Links { return i.links }

// AdminSessions returns the admins' browser sessions on the Support
// Access page, opened from Links.
func (i *Instance) AdminSessions() *adminlink.Sessions { return i.sessions }

// Notifier returns the notifier that sends webhooks and emails; with no
// webhook and no smtp it sends nothing.
func (i *Instance) Notifier() *notify.Notifier { return i.notifier }

// AccessRequests returns the instance's own access request service,
// without a site's areas: the one the sweep and the ops API use.
func (i *Instance) AccessRequests() *request.Service { return i.requests }

// AppAPIKeys returns the bearer keys the upstream app calls the app API
// with.
func (i *Instance) AppAPIKeys() []string { return slices.Clone(i.set.apiKeys) }

// ConfiguredPublicURL returns PublicURL as configured, "" without it.
func (i *Instance) ConfiguredPublicURL() string { return i.set.publicURL }

// LinkTTL returns how long an admin link opens.
func (i *Instance) LinkTTL() time.Duration { return i.set.linkTTL }

// AdminRoles returns the registered admin roles that may change support
// access.
func (i *Instance) AdminRoles() []string { return slices.Clone(i.set.rules.Roles) }

// Rules returns what tenant admins may do and choose, shared by the app
// API and the Support Access page.
func (i *Instance) Rules() tenantadmin.Rules { return i.set.rules }

// rotationMargin is added to the longest token lifetime when a rotated
// key is retired, for clock skew and tokens minted just before rotating.
const rotationMargin = time.Minute

// NoteTokenTTL notes the token lifetime of a site, so a key rotation
// keeps the previous key published as long as its tokens may live.
func (i *Instance) NoteTokenTTL(d time.Duration) { i.tokenTTL.note(d) }

// KeyRetention is how long a key retired by a rotation stays published:
// the longest token lifetime in use (siteconfig.DefaultTokenTTL when no site says)
// plus a margin.
func (i *Instance) KeyRetention() time.Duration {
	ttl := i.tokenTTL.get()
	if ttl <= 0 {
		ttl = siteconfig.DefaultTokenTTL
	}
	return ttl + rotationMargin
}
