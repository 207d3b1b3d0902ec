package caddymodule

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/ratelimit"
)

// rateLimitFields are the words of a rate_limit block and the field each
// sets.
var rateLimitFields = map[string]func(*RateLimit) *string{
	"api_failures": func(rl *RateLimit) *string { return &rl.APIFailures },
	"login":        func(rl *RateLimit) *string { return &rl.Login },
	"requests":     func(rl *RateLimit) *string { return &rl.Requests },
}

// unmarshalRateLimit parses
//
//	rate_limit {
//		api_failures <events>/<period>
//		login <events>/<period>
//		requests <events>/<period>
//	}
//
// such as api_failures 10/m or requests 5/h. Each line is optional.
func (a *App) unmarshalRateLimit(d *caddyfile.Dispenser) error {
	if a.RateLimit != nil {
		return d.Err("rate_limit is already set; give it once")
	}
	if d.NextArg() {
		return d.Err("rate_limit takes a block: rate_limit { api_failures 10/m  login 30/m  requests 5/h }")
	}
	rl := &RateLimit{}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		if err := rl.unmarshalLine(d); err != nil {
			return err
		}
	}
	if *rl == (RateLimit{}) {
		return d.Err("rate_limit needs at least one of api_failures, login or requests, such as api_failures 10/m")
	}
	a.RateLimit = rl
	return nil
}

// unmarshalLine parses one line of a rate_limit block.
func (rl *RateLimit) unmarshalLine(d *caddyfile.Dispenser) error {
	word := d.Val()
	field, ok := rateLimitFields[word]
	if !ok {
		return d.Errf("unknown rate_limit option %q: a rate_limit block takes api_failures, login and requests", clip(word))
	}
	if *field(rl) != "" {
		return d.Errf("rate_limit %s is already set; give it once", word)
	}
	v, err := oneArg(d, "rate_limit "+word, "a rate such as 10/m or 5/h")
	if err != nil {
		return err
	}
	if _, err := ratelimit.Parse(v); err != nil {
		return d.Errf("rate_limit %s: %v", word, err)
	}
	*field(rl) = v
	return nil
}
