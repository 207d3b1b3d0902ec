package caddymodule

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func init() {
	appOptions["audit_archive"] = (*App).unmarshalAuditArchive
	appOptions["audit_retention"] = (*App).unmarshalAuditRetention
}

// unmarshalAuditArchive parses
//
//	audit_archive <dir>
func (a *App) unmarshalAuditArchive(d *caddyfile.Dispenser) error {
	if a.AuditArchive != "" {
		return d.Err("audit_archive is already set; give it once")
	}
	v, err := oneArg(d, "audit_archive", "the directory audit events move to")
	if err != nil {
		return err
	}
	a.AuditArchive = v
	return nil
}

// unmarshalAuditRetention parses
//
//	audit_retention <duration>|off
func (a *App) unmarshalAuditRetention(d *caddyfile.Dispenser) error {
	if a.AuditRetention != "" {
		return d.Err("audit_retention is already set; give it once")
	}
	v, err := oneArg(d, "audit_retention", "how long audit events stay in the store, such as 90d, or off")
	if err != nil {
		return err
	}
	if _, _, err := retentionWindow(v); err != nil {
		return d.Err(err.Error())
	}
	a.AuditRetention = v
	return nil
}
