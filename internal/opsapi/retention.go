package opsapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/retention"
)

// WithRetention lets the API report the audit retention mover: status
// returns what it last did, and false when no mover runs.
func WithRetention(status func() (retention.Status, bool)) Option {
	return func(h *Handler) { h.retention = status }
}

// retentionHealth answers GET /lockbox/audit/retention.
type retentionHealth struct {
	// Enabled: a mover runs (audit_archive is set and retention not off).
	Enabled bool `json:"enabled"`
	// OK: its last pass moved everything due.
	OK bool `json:"ok"`
	retention.Status
}

// retentionStatus answers GET /lockbox/audit/retention: 200 while the
// mover keeps up, 503 when its last pass failed (the archive missing,
// not writable or full), for health checks.
func (h *Handler) retentionStatus(w http.ResponseWriter, r *http.Request) error {
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	var out retentionHealth
	if h.retention != nil {
		out.Status, out.Enabled = h.retention()
	}
	out.OK = out.LastError == ""
	code := http.StatusOK
	if !out.OK {
		code = http.StatusServiceUnavailable
	}
	return h.resp.Reply(w, r, code, out)
}
