package caddymodule

import (
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/instance"
)

// Audit modes.
const (
	AuditStrict   = instance.AuditStrict
	AuditBuffered = instance.AuditBuffered
)

// auditSettings are the app's audit words:
//
//	audit strict|buffered
//	audit_replicas <n> [<timeout>]
type auditSettings struct {
	// AuditMode is "strict" (default: an agent request reaches the app only
	// once its audit event is durable in the store) or "buffered" (events
	// are written in the background, within about 50ms; a crash loses
	// what was not yet written).
	AuditMode string `json:"audit,omitempty"`

	// AuditReplicas, with the redis backend, makes an audit write count
	// as durable only once this many replicas hold it (Redis WAIT).
	AuditReplicas int `json:"audit_replicas,omitempty"`

	// AuditReplicaTimeout is how long a write waits for those replicas
	// before it fails. Default: 500ms.
	AuditReplicaTimeout caddy.Duration `json:"audit_replica_timeout,omitempty"`
}

// unmarshalAudit parses
//
//	audit strict|buffered
func (a *App) unmarshalAudit(d *caddyfile.Dispenser) error {
	if a.AuditMode != "" {
		return d.Err("audit is already set; give it once")
	}
	if !d.NextArg() {
		return d.Err("audit needs a mode: strict or buffered")
	}
	mode := d.Val()
	if mode != AuditStrict && mode != AuditBuffered {
		return d.Errf("unknown audit mode %q: use strict or buffered", clip(mode))
	}
	a.AuditMode = mode
	if d.NextArg() {
		return d.Err("audit takes exactly one mode")
	}
	return noBlock(d, "audit")
}

// unmarshalAuditReplicas parses
//
//	audit_replicas <n> [<timeout>]
func (a *App) unmarshalAuditReplicas(d *caddyfile.Dispenser) error {
	if a.AuditReplicas != 0 {
		return d.Err("audit_replicas is already set; give it once")
	}
	if !d.NextArg() {
		return d.Err("audit_replicas needs a number of replicas")
	}
	n, err := strconv.Atoi(d.Val())
	if err != nil || n < 1 || n > instance.MaxAuditReplicas {
		return d.Errf("audit_replicas must be a number between 1 and %d", instance.MaxAuditReplicas)
	}
	a.AuditReplicas = n
	if d.NextArg() {
		w, err := caddy.ParseDuration(d.Val())
		if err != nil || w <= 0 {
			return d.Errf("audit_replicas timeout %q is not a positive duration", clip(d.Val()))
		}
		a.AuditReplicaTimeout = caddy.Duration(w)
	}
	if d.NextArg() {
		return d.Err("audit_replicas takes a number and an optional timeout")
	}
	return noBlock(d, "audit_replicas")
}
