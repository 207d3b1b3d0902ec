package caddymodule

import (
	"fmt"
	"net/http"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/lockbox-gw/lockbox/internal/ratelimit"
)

// RateLimit caps what a client or an agent may do in a while. Each value
// is "<events>/<period>", such as "10/m", "30/1m" or "5/h": up to that
// many at once, refilling evenly over the period. Limits are per gateway
// process and start afresh when the config is loaded.
type RateLimit struct {
	// APIFailures are the failed app API key attempts a client address
	// may make; past them every API call from it is answered 429 with
	// Retry-After, the right key too. Default: 10/m.
	APIFailures string `json:"api_failures,omitempty"`

	// Login are the agent logins a client address may start. Default:
	// 30/m.
	Login string `json:"login,omitempty"`

	// Requests are the access requests an agent may send (each one emails
	// every admin of the tenant). Default: 5/h.
	Requests string `json:"requests,omitempty"`
}

// config parses the rates; a missing one takes its default. A nil
// RateLimit is all defaults.
func (rl *RateLimit) config() (ratelimit.Config, error) {
	c := ratelimit.Config{Client: clientIP}
	if rl == nil {
		return c, nil
	}
	for _, f := range []struct {
		word, v string
		dst     *ratelimit.Rate
	}{{"api_failures", rl.APIFailures, &c.APIFailures}, {"login", rl.Login, &c.Login}, {"requests", rl.Requests, &c.Requests}} {
		if f.v == "" {
			continue
		}
		r, err := ratelimit.Parse(f.v)
		if err != nil {
			return c, fmt.Errorf("rate_limit %s: %v", f.word, err)
		}
		*f.dst = r
	}
	return c, nil
}

// clientIP is the client's address as Caddy sees it, honouring the
// server's trusted_proxies.
func clientIP(r *http.Request) string {
	if ip, ok := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string); ok && ip != "" {
		return ip
	}
	return ratelimit.RemoteHost(r)
}
