package caddymodule

import (
	"encoding/json"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
)

func init() {
	httpcaddyfile.RegisterGlobalOption("lockbox", parseGlobalOption)
}

// parseGlobalOption sets up the lockbox app from the global option
// block; see App.UnmarshalCaddyfile for the syntax. Several lockbox
// blocks are merged into one app.
func parseGlobalOption(d *caddyfile.Dispenser, existing any) (any, error) {
	app, err := existingApp(d, existing)
	if err != nil {
		return nil, err
	}
	if err := app.UnmarshalCaddyfile(d); err != nil {
		return nil, err
	}
	return httpcaddyfile.App{Name: "lockbox", Value: caddyconfig.JSON(app, nil)}, nil
}

// UnmarshalCaddyfile sets up the app from the global option block,
// adding to what earlier blocks set. Syntax:
//
//	{
//		lockbox {
//			storage bolt <path>
//			storage redis <url>
//			signing_key_file <path>
//			link_key_file <path>
//			api_key <key>
//			public_url <url>
//			admin_roles <role...>
//			link_ttl <duration>
//			grant_durations <duration|standing...>
//			approvals_needed <n>
//			request_ttl <duration>
//			webhook <url> {
//				secret <whsec_...>
//			}
//			smtp <host:port> {
//				from <address>
//				username <name>
//				password <password>
//				tls starttls|tls|none
//			}
//			notify_backoff <duration...>
//			rate_limit {
//				api_failures <events>/<period>
//				login <events>/<period>
//				requests <events>/<period>
//			}
//			audit strict|buffered
//			audit_replicas <n> [<timeout>]
//			audit_archive <dir>
//			audit_retention <duration>|off
//		}
//	}
//
// Without a storage line the store is the bolt file lockbox.db in Caddy's
// data directory. Without signing_key_file, token signing keys are
// generated on first start and kept in the store; without link_key_file,
// so are the keys of admin links. api_key and webhook may
// be repeated (two keys while rotating one). Placeholders such as
// {env.LOCKBOX_API_KEY} are kept and replaced when the config is loaded.
func (a *App) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // consume option name
	if d.NextArg() {
		// Not echoed: it may be a URL with a password.
		return d.Err("lockbox takes no arguments on its line, only a block")
	}
	lines := wordLines{}
	for d.NextBlock(0) {
		a.noteWord(lines, d)
		if err := a.unmarshalOption(d); err != nil {
			return err
		}
	}
	return a.checkAccessWords(lines)
}

// existingApp returns the app parsed from earlier lockbox blocks, or a new
// one.
func existingApp(d *caddyfile.Dispenser, existing any) (*App, error) {
	app := new(App)
	if existing == nil {
		return app, nil
	}
	prev, ok := existing.(httpcaddyfile.App)
	if !ok {
		return nil, d.Errf("existing lockbox config has unexpected type %T", existing)
	}
	if err := json.Unmarshal(prev.Value, app); err != nil {
		return nil, d.Errf("reading earlier lockbox block: %v", err)
	}
	return app, nil
}

// appOptions are the parsers of the lockbox block's words, each called
// with the cursor on its word.
var appOptions = map[string]func(*App, *caddyfile.Dispenser) error{
	"storage":          (*App).unmarshalStorage,
	"signing_key_file": (*App).unmarshalSigningKeyFile,
	"link_key_file":    (*App).unmarshalLinkKeyFile,
	"api_key":          (*App).unmarshalAPIKey,
	"public_url":       (*App).unmarshalPublicURL,
	"admin_roles":      (*App).unmarshalAdminRoles,
	"link_ttl":         (*App).unmarshalLinkTTL,
	"grant_durations":  (*App).unmarshalGrantDurations,
	"approvals_needed": (*App).unmarshalApprovalsNeeded,
	"request_ttl":      (*App).unmarshalRequestTTL,
	"webhook":          (*App).unmarshalWebhook,
	"smtp":             (*App).unmarshalSMTP,
	"notify_backoff":   (*App).unmarshalNotifyBackoff,
	"rate_limit":       (*App).unmarshalRateLimit,
	"audit":            (*App).unmarshalAudit,
	"audit_replicas":   (*App).unmarshalAuditReplicas,
}

// unmarshalOption parses one line of the lockbox block, the cursor on its
// first word.
func (a *App) unmarshalOption(d *caddyfile.Dispenser) error {
	parse, ok := appOptions[d.Val()]
	if !ok {
		return d.Errf("unknown lockbox option %q", clip(d.Val()))
	}
	return parse(a, d)
}

// unmarshalStorage parses
//
//	storage bolt <path>
//	storage redis <url>
func (a *App) unmarshalStorage(d *caddyfile.Dispenser) error {
	if a.Storage != nil {
		return d.Err("storage is already set; give it once")
	}
	if !d.NextArg() {
		return d.Err("storage needs a backend: storage bolt <path> or storage redis <url>")
	}
	s := Storage{Backend: d.Val()}
	if s.Backend != BackendBolt && s.Backend != BackendRedis {
		return d.Errf("unknown storage backend %q: use bolt or redis", clip(s.Backend))
	}
	what := addressWord(s.Backend)
	if !d.NextArg() {
		return d.Errf("storage %s needs its %s", s.Backend, what)
	}
	if s.Backend == BackendRedis {
		s.URL = d.Val()
	} else {
		s.Path = d.Val()
	}
	// The extra words are not echoed: they may be part of a secret.
	if d.NextArg() {
		return d.Errf("storage %s takes exactly one %s", s.Backend, what)
	}
	if err := noBlock(d, "storage"); err != nil {
		return err
	}
	a.Storage = &s
	return nil
}

// unmarshalSigningKeyFile parses
//
//	signing_key_file <path>
func (a *App) unmarshalSigningKeyFile(d *caddyfile.Dispenser) error {
	if a.SigningKeyFile != "" {
		return d.Err("signing_key_file is already set; give it once")
	}
	if !d.NextArg() {
		return d.Err("signing_key_file needs the path of a PEM file with an EC P-256 private key")
	}
	a.SigningKeyFile = d.Val()
	if d.NextArg() {
		return d.Err("signing_key_file takes exactly one path")
	}
	return noBlock(d, "signing_key_file")
}

// unmarshalLinkKeyFile parses
//
//	link_key_file <path>
func (a *App) unmarshalLinkKeyFile(d *caddyfile.Dispenser) error {
	if a.LinkKeyFile != "" {
		return d.Err("link_key_file is already set; give it once")
	}
	if !d.NextArg() {
		return d.Err("link_key_file needs the path of a file with base64 keys, one per line (openssl rand -base64 32)")
	}
	a.LinkKeyFile = d.Val()
	if d.NextArg() {
		return d.Err("link_key_file takes exactly one path")
	}
	return noBlock(d, "link_key_file")
}

// addressWord names what locates a backend's store, for messages.
func addressWord(backend string) string {
	if backend == BackendRedis {
		return "url"
	}
	return "path"
}

// noBlock refuses a block after a line that takes none.
func noBlock(d *caddyfile.Dispenser, word string) error {
	if d.NextBlock(d.Nesting()) {
		return d.Errf("%s takes no block", word)
	}
	return nil
}

// Interface guards
var _ caddyfile.Unmarshaler = (*App)(nil)
