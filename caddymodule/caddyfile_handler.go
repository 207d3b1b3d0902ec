package caddymodule

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"

	"github.com/lockbox-gw/lockbox/internal/siteconfig"
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
	lines, err := handler.unmarshal(h.Dispenser)
	if err != nil {
		return nil, err
	}
	if handler.Issuer == "" {
		if handler.Issuer, err = siteIssuer(h, handler.SitePrefix()); err != nil {
			return nil, h.Err(err.Error())
		}
	}
	// The values are checked once the block is read, by the one check
	// JSON configs get too; the error names the line of the word at fault.
	if err := handler.Normalize(); err != nil {
		return nil, lines.place(err, h.Dispenser)
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
// are kept and replaced when the config is loaded. Only the syntax is
// read here: the values are checked by Validate (siteconfig), which the
// directive runs once the block is read.
func (h *Handler) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	_, err := h.unmarshal(d)
	return err
}

// unmarshal parses the block and returns where each word is.
func (h *Handler) unmarshal(d *caddyfile.Dispenser) (wordLines, error) {
	d.Next() // consume directive name
	if d.NextArg() {
		return nil, d.Err("lockbox takes no arguments on its line, only a block")
	}
	p := &handlerParser{d: d, h: h, seen: map[string]bool{}, lines: wordLines{}}
	for d.NextBlock(0) {
		p.word = d.Token()
		if err := p.line(); err != nil {
			return nil, err
		}
	}
	return p.lines, nil
}

// handlerParser parses the lines of a lockbox block into h.
type handlerParser struct {
	d     *caddyfile.Dispenser
	h     *Handler
	seen  map[string]bool // words given once at most
	lines wordLines       // where each word is
	word  caddyfile.Token // the first word of the line being parsed
}

// note records that the line being parsed gives word (key tells
// repeated words apart).
func (p *handlerParser) note(word, key string) {
	p.lines.note(p.word, word, key)
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
	p.note(word, "")
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
func durationInto(dst *siteconfig.Duration) func(string) error {
	return func(v string) error {
		d, err := siteconfig.ParsePositive(v)
		*dst = d
		return err
	}
}

// Interface guards
var _ caddyfile.Unmarshaler = (*Handler)(nil)
