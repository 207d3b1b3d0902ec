package caddymodule

import (
	"fmt"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
)

func init() {
	httpcaddyfile.RegisterDirective("lockbox", parseLockbox)
	// Early enough to see every request before authentication, handle
	// blocks and the handlers that answer (reverse_proxy, php_fastcgi,
	// file_server, respond), so users need no order line.
	httpcaddyfile.RegisterDirectiveOrder("lockbox", httpcaddyfile.Before, "basic_auth")
}

// parseLockbox sets up the lockbox handler of a site; see
// Handler.UnmarshalCaddyfile for the syntax. The directive takes no
// matcher: it must see every request of the site to remove client-sent
// identity headers.
func parseLockbox(h httpcaddyfile.Helper) ([]httpcaddyfile.ConfigValue, error) {
	h.Next() // consume directive name
	matcher, err := h.ExtractMatcherSet()
	if err != nil {
		return nil, err
	}
	if matcher != nil {
		return nil, h.Err("lockbox takes no matcher: it must see every request of the site, to remove client-sent identity headers")
	}
	handler := new(Handler)
	if err := handler.UnmarshalCaddyfile(h.Dispenser); err != nil {
		return nil, err
	}
	if handler.Issuer == "" {
		if handler.Issuer, err = siteIssuer(h, handler.prefix()); err != nil {
			return nil, h.Err(err.Error())
		}
	}
	if err := handler.Validate(); err != nil {
		return nil, h.Err(err.Error())
	}
	return h.NewRoute(nil, handler), nil
}

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens. Syntax:
//
//	lockbox {
//		oidc <issuer> {
//			client_id <id>
//			client_secret <secret>
//			roles_claim <claim>
//			scopes <scope...>
//		}
//		role <name> groups <group...> scopes <read|write|pii...> [break_glass <duration>]
//		session_max <duration>
//		idle_timeout <duration>
//		token_ttl <duration>
//		audience <aud>
//		issuer <url>
//		header_prefix <prefix>
//		prefix <path>
//		deny <METHOD|*> <pattern>
//		area <name> <pattern...>
//		landing <path>
//		tenant_from host|path <pattern>
//		shared <pattern...>
//	}
//
// role, deny and area may be repeated; each area has its own name. Without issuer, the token issuer is
// derived from the site's address: https://app.example.com/_lockbox for
// the site app.example.com. Placeholders such as {env.OIDC_CLIENT_SECRET}
// are kept and replaced when the config is loaded.
func (h *Handler) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // consume directive name
	if d.NextArg() {
		return d.Err("lockbox takes no arguments on its line, only a block")
	}
	p := &handlerParser{d: d, h: h, seen: map[string]bool{}}
	for d.NextBlock(0) {
		if err := p.line(); err != nil {
			return err
		}
	}
	return nil
}

// handlerParser parses the lines of a lockbox block into h.
type handlerParser struct {
	d    *caddyfile.Dispenser
	h    *Handler
	seen map[string]bool // words given once at most
}

// line parses one line of the block, the cursor on its first word.
func (p *handlerParser) line() error {
	word := p.d.Val()
	switch word {
	case "oidc":
		return p.oidc()
	case "role":
		return p.role()
	case "deny":
		return p.deny()
	case "area":
		return p.area()
	case "tenant_from":
		return p.tenantFrom()
	case "shared":
		return p.shared()
	}
	set, ok := p.settings()[word]
	if !ok {
		return p.d.Errf("unrecognized lockbox subdirective %q", clip(word))
	}
	return p.single(word, set)
}

// settings are the words that take exactly one value, and where it goes.
func (p *handlerParser) settings() map[string]func(string) error {
	h := p.h
	return map[string]func(string) error{
		"session_max":   durationInto(&h.SessionMax),
		"idle_timeout":  durationInto(&h.IdleTimeout),
		"token_ttl":     durationInto(&h.TokenTTL),
		"audience":      stringInto(&h.Audience),
		"issuer":        stringInto(&h.Issuer),
		"header_prefix": stringInto(&h.HeaderPrefix),
		"prefix":        stringInto(&h.Prefix),
		"landing":       stringInto(&h.Landing),
	}
}

// single parses "<word> <value>" with set.
func (p *handlerParser) single(word string, set func(string) error) error {
	if err := p.once(word); err != nil {
		return err
	}
	if !p.d.NextArg() {
		return p.d.Errf("%s needs a value", word)
	}
	val := p.d.Val()
	if p.d.NextArg() {
		return p.d.Errf("%s takes exactly one value", word)
	}
	if err := noBlock(p.d, word); err != nil {
		return err
	}
	if err := set(val); err != nil {
		return p.d.Errf("%s: %v", word, err)
	}
	return nil
}

// once refuses a word given before in the block.
func (p *handlerParser) once(word string) error {
	if p.seen[word] {
		return p.d.Errf("%s is already set; give it once", word)
	}
	p.seen[word] = true
	return nil
}

func stringInto(dst *string) func(string) error {
	return func(v string) error {
		*dst = v
		return nil
	}
}

// durationInto parses a positive duration such as 30m, 8h or 1d.
func durationInto(dst *caddy.Duration) func(string) error {
	return func(v string) error {
		d, err := caddy.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("invalid duration %q: use a positive duration such as 30m, 8h or 1d", clip(v))
		}
		*dst = caddy.Duration(d)
		return nil
	}
}

// Interface guards
var _ caddyfile.Unmarshaler = (*Handler)(nil)
