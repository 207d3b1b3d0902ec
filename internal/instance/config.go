// Package instance is the running Lockbox app, free of Caddy: given a
// plain Config it opens the store (or shares the one another config
// opened), the audit writer, the notifier, the change feed, the signing
// keys and the tenant admin parts, and runs the background work (sweeps,
// expiry warnings, retention, checkpoints) from Start until Stop. What
// outlives a config reload (the store, the audit writer, the notify
// bridge and the feed) is pooled per store for the whole process.
package instance

import (
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Config is the app's settings, placeholders already replaced. Zero
// values take the defaults given on each field; Validate and New check
// every rule.
type Config struct {
	// Storage is where grants and the audit trail are kept; nil is the
	// bolt file lockbox.db in DataDir.
	Storage *Storage
	// DataDir holds the default bolt file.
	DataDir string

	// Audit is the audit mode and replica settings.
	Audit Audit

	// SigningKeyFile is a PEM file with the token signing key; "" keeps
	// generated keys in the store.
	SigningKeyFile string
	// LinkKeyFile is a file of admin link keys; "" keeps a generated key
	// in the store.
	LinkKeyFile string

	// APIKeys are the bearer keys of the app API; none turns it off.
	APIKeys []string
	// PublicURL starts admin links; "" for the first site's origin.
	PublicURL string
	// AdminRoles may grant and revoke; default owner and admin.
	AdminRoles []string
	// LinkTTL is how long an admin link opens; default 24h.
	LinkTTL time.Duration
	// GrantDurations are the lengths admins may choose, such as "7d" or
	// "standing"; default 1d, 7d, 28d and standing.
	GrantDurations []string
	// ApprovalsNeeded is how many admins approve a request; default 1.
	ApprovalsNeeded int
	// RequestTTL is how long a request waits; default 72h.
	RequestTTL time.Duration

	// Webhooks receive every support-access event.
	Webhooks []Webhook
	// SMTP emails tenant admins; nil sends no email.
	SMTP *SMTP
	// NotifyBackoff are the delays after failed deliveries; nil for the
	// notifier's default.
	NotifyBackoff []time.Duration

	// RateLimit caps API key failures, logins and access requests.
	RateLimit RateLimit
	// ClientIP is a request's client address for the rate limits; nil
	// for the connection's remote host.
	ClientIP func(*http.Request) string

	// Archive is the directory audit events move to; "" keeps them all.
	Archive string
	// Retention is how long events stay in the store with Archive;
	// default 90d.
	Retention time.Duration
	// KeepAll ("off") moves nothing, even with Archive.
	KeepAll bool

	// Logger logs for this config. Default: none.
	Logger *zap.Logger
	// SharedLogger logs for the parts pooled across reloads (named
	// audit, notify and feed under it). Default: none.
	SharedLogger *zap.Logger
}

// Audit are the audit words.
type Audit struct {
	// Mode is "strict" (default) or "buffered".
	Mode string
	// Replicas, with redis, makes a write durable only once this many
	// replicas hold it.
	Replicas int
	// ReplicaWait bounds the wait for them; default 500ms.
	ReplicaWait time.Duration
}

// Webhook is a receiver of every support-access event.
type Webhook struct {
	// URL receives the POST requests: absolute http or https.
	URL string
	// Secret signs them: "whsec_" and base64.
	Secret string
}

// SMTP is the server that emails tenant admins.
type SMTP struct {
	// Address is host:port; without a port it follows TLS.
	Address string
	// Username and Password log in with SMTP AUTH; both or neither.
	Username string
	Password string
	// From is the sender. Required.
	From string
	// TLS is "starttls" (default), "tls" or "none" (loopback only).
	TLS string
}

// RateLimit are the rates, "<events>/<period>"; "" takes the default.
type RateLimit struct {
	// APIFailures are the failed API key attempts per client address.
	APIFailures string
	// Login are the agent logins per client address.
	Login string
	// Requests are the access requests per agent.
	Requests string
}

// Validate checks c without touching the disk or the network.
func (c Config) Validate() error {
	_, err := c.settings()
	return err
}
