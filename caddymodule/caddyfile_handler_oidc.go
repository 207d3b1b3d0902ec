package caddymodule

import "github.com/lockbox-gw/lockbox/internal/siteconfig"

// oidc parses
//
//	oidc <issuer> {
//		client_id <id>
//		client_secret <secret>
//		roles_claim <claim>
//		scopes <scope...>
//		trusted_audiences <audience...>
//	}
func (p *handlerParser) oidc() error {
	if err := p.once("oidc"); err != nil {
		return err
	}
	if !p.d.NextArg() {
		return p.d.Err("oidc needs the identity provider's issuer URL: oidc <issuer> { client_id <id> ... }")
	}
	p.note("oidc", "")
	o := &siteconfig.OIDC{Issuer: p.d.Val()}
	if p.d.NextArg() {
		return p.d.Err("oidc takes exactly one issuer URL before its block")
	}
	seen := map[string]bool{}
	for nesting := p.d.Nesting(); p.d.NextBlock(nesting); {
		if err := p.oidcLine(o, seen); err != nil {
			return err
		}
	}
	p.h.OIDC = o
	return nil
}

// oidcLine parses one line of the oidc block into o.
func (p *handlerParser) oidcLine(o *siteconfig.OIDC, seen map[string]bool) error {
	word := p.d.Val()
	if seen[word] {
		return p.d.Errf("oidc %s is already set; give it once", word)
	}
	seen[word] = true
	switch word {
	case "client_id":
		return p.oidcValue(word, &o.ClientID)
	case "client_secret":
		return p.oidcValue(word, &o.ClientSecret)
	case "roles_claim":
		return p.oidcValue(word, &o.RolesClaim)
	case "scopes":
		o.Scopes = p.d.RemainingArgs()
		if len(o.Scopes) == 0 {
			return p.d.Err("oidc scopes needs at least one scope to request besides openid, email and profile")
		}
		return noBlock(p.d, word)
	case "trusted_audiences":
		o.TrustedAudiences = p.d.RemainingArgs()
		if len(o.TrustedAudiences) == 0 {
			return p.d.Err("oidc trusted_audiences needs at least one audience to accept in ID tokens besides the client id")
		}
		return noBlock(p.d, word)
	}
	return p.d.Errf("unrecognized oidc subdirective %q: use client_id, client_secret, roles_claim, scopes or trusted_audiences", clip(word))
}

// oidcValue parses "<word> <value>". The value is never echoed: it may
// be a secret.
func (p *handlerParser) oidcValue(word string, dst *string) error {
	if !p.d.NextArg() {
		return p.d.Errf("oidc %s needs a value", word)
	}
	*dst = p.d.Val()
	if p.d.NextArg() {
		return p.d.Errf("oidc %s takes exactly one value", word)
	}
	return noBlock(p.d, word)
}
