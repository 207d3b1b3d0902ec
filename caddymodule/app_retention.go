package caddymodule

import (
	"fmt"
	"time"

	"github.com/caddyserver/caddy/v2"
)

// retentionOff is the audit_retention value that keeps every event in
// the store.
const retentionOff = "off"

// AuditArchiving moves old audit events out of the store into an archive
// directory, so the store's size is bounded by a window, not by history.
type AuditArchiving struct {
	// AuditArchive is the directory audit events move to (one gzipped
	// JSON-lines file per tenant per day; see the README for the
	// layout). It must exist; with several instances, the same shared
	// directory on each, or set on one only. Placeholders are replaced
	// when the config is loaded. Without it every event stays in the
	// store.
	AuditArchive string `json:"audit_archive,omitempty"`

	// AuditRetention is how long audit events stay in the store when
	// AuditArchive is set, such as "90d", or "off" to move nothing. An
	// event moves once its whole UTC day is older than this. Default:
	// 90d.
	AuditRetention string `json:"audit_retention,omitempty"`
}

// retentionWindow parses audit_retention, in Caddy's duration syntax: 0
// for the default, keepAll with "off".
func retentionWindow(v string) (window time.Duration, keepAll bool, err error) {
	switch v {
	case "":
		return 0, false, nil
	case retentionOff:
		return 0, true, nil
	}
	d, err := caddy.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, false, fmt.Errorf("audit_retention %q is not a positive duration such as 90d, nor off", clip(v))
	}
	return d, false, nil
}
