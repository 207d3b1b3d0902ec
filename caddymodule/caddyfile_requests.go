package caddymodule

import (
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/request"
)

// unmarshalApprovalsNeeded parses
//
//	approvals_needed <n>
func (a *App) unmarshalApprovalsNeeded(d *caddyfile.Dispenser) error {
	if a.ApprovalsNeeded != 0 {
		return d.Err("approvals_needed is already set; give it once")
	}
	v, err := oneArg(d, "approvals_needed", "how many different admins must approve an access request, such as 2")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > request.MaxNeeded {
		return d.Errf("approvals_needed %q must be a whole number from 1 to %d", clip(v), request.MaxNeeded)
	}
	a.ApprovalsNeeded = n
	return nil
}

// unmarshalRequestTTL parses
//
//	request_ttl <duration>
func (a *App) unmarshalRequestTTL(d *caddyfile.Dispenser) error {
	if a.RequestTTL != 0 {
		return d.Err("request_ttl is already set; give it once")
	}
	v, err := oneArg(d, "request_ttl", "how long an access request waits for a decision, such as 72h")
	if err != nil {
		return err
	}
	ttl, err := caddy.ParseDuration(v)
	if err != nil || ttl <= 0 {
		return d.Errf("request_ttl %q is not a positive duration such as 72h or 3d", clip(v))
	}
	if _, err := (request.Config{TTL: ttl}).Normalized(); err != nil {
		return d.Err(err.Error())
	}
	a.RequestTTL = caddy.Duration(ttl)
	return nil
}
