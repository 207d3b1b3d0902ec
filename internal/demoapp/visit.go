package demoapp

import (
	"net/http"
	"slices"
	"strings"
)

// visit is what one request brought from Lockbox and what the app made of
// it.
type visit struct {
	// Headers are the received identity headers, sorted by name.
	Headers []header
	// Token is the verified token; nil when there is none or it failed.
	Token *token
	// Refusal says why headers were sent but are not trusted.
	Refusal string
	// PII is whether personal data may be shown unmasked.
	PII bool
	// Write is whether the session may change things.
	Write bool
}

// header is one received identity header.
type header struct {
	Name, Value string
}

// Agent reports whether a verified support agent is visiting.
func (v *visit) Agent() bool { return v.Token != nil }

// Ordinary reports whether no Lockbox header arrived at all.
func (v *visit) Ordinary() bool { return len(v.Headers) == 0 }

// Tenant is the verified tenant, or "".
func (v *visit) Tenant() string {
	if v.Token == nil {
		return ""
	}
	return v.Token.Claims.Tenant
}

// inspect collects r's identity headers and trusts them only when the
// token verifies and agrees with them.
func (a *App) inspect(r *http.Request) *visit {
	v := &visit{Headers: a.identityHeaders(r.Header)}
	if v.Ordinary() {
		return v
	}
	raw := r.Header.Get(a.name("Token"))
	if raw == "" {
		v.Refusal = "Identity headers arrived without a token, so they are not trusted."
		return v
	}
	t, err := a.verifier.verify(r.Context(), raw)
	if err != nil {
		v.Refusal = "The token did not verify: " + err.Error()
		return v
	}
	if msg := a.disagreement(r.Header, &t.Claims); msg != "" {
		v.Refusal = msg
		return v
	}
	scopes := strings.Fields(t.Claims.Scope)
	v.Token = t
	v.Write = slices.Contains(scopes, "write")
	v.PII = slices.Contains(scopes, "pii") && r.Header.Get(a.name("PII")) == "visible"
	return v
}

// identityHeaders returns the headers carrying the configured prefix.
func (a *App) identityHeaders(h http.Header) []header {
	var out []header
	for name, values := range h {
		if !hasPrefixFold(name, a.cfg.HeaderPrefix) {
			continue
		}
		for _, val := range values {
			out = append(out, header{Name: name, Value: val})
		}
	}
	slices.SortFunc(out, func(x, y header) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// disagreement returns why the headers contradict the verified claims, or
// "" when they agree.
func (a *App) disagreement(h http.Header, c *claims) string {
	checks := []struct{ header, claim string }{
		{"Tenant", c.Tenant},
		{"Agent-Sub", c.Actor.Subject},
		{"Session", c.SessionID},
		{"Scopes", c.Scope},
	}
	for _, ch := range checks {
		if got := h.Get(a.name(ch.header)); got != ch.claim {
			return "The " + a.name(ch.header) + " header disagrees with the verified token, so nothing is trusted."
		}
	}
	return ""
}

// name returns the canonical name of the identity header with suffix.
func (a *App) name(suffix string) string {
	return http.CanonicalHeaderKey(a.cfg.HeaderPrefix + suffix)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
