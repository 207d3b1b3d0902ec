package caddymodule

import (
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

// clientIP is the client's address as Caddy sees it, honouring the
// server's trusted_proxies.
func clientIP(r *http.Request) string {
	if ip, ok := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string); ok && ip != "" {
		return ip
	}
	return ratelimit.RemoteHost(r)
}
