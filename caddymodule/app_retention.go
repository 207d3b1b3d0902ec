package caddymodule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/retention"
)

// retentionOff is the audit_retention value that keeps every event in
// the store.
const retentionOff = "off"

// retentionInterval is how often the mover looks for days to move. Days
// move whole, so a few minutes late is no matter.
const retentionInterval = 10 * time.Minute

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

	mover       *retention.Mover // nil when nothing moves
	checkpoints *checkpoint.Service
}

// retentionWindow parses audit_retention: 0 with "off".
func retentionWindow(v string) (time.Duration, error) {
	switch v {
	case "":
		return retention.DefaultWindow, nil
	case retentionOff:
		return 0, nil
	}
	d, err := caddy.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("audit_retention %q is not a positive duration such as 90d, nor off", clip(v))
	}
	return d, nil
}

// provisionRetention sets up the mover over the raw store, which keeps
// the retention methods.
func (a *App) provisionRetention() error {
	a.mover = nil
	window, err := retentionWindow(a.AuditRetention)
	if err != nil {
		return err
	}
	dir := caddy.NewReplacer().ReplaceKnown(a.AuditArchive, "")
	a.checkpoints = &checkpoint.Service{Store: a.rawStore, Keys: a.keys, Publish: checkpoint.Publisher(a.notifier)}
	if dir != "" {
		a.checkpoints.Archive = archive.New(dir)
	}
	switch {
	case a.AuditArchive == "" && a.AuditRetention != "" && a.AuditRetention != retentionOff:
		return errors.New("audit_retention needs audit_archive: events leave the store only into the archive")
	case a.AuditArchive != "" && dir == "":
		return errors.New("audit_archive is empty once placeholders are replaced (is its environment variable set?)")
	case dir == "" || window == 0:
		return nil
	}
	var prune []retention.PruneFunc
	if a.requests != nil {
		prune = append(prune, a.requests.PruneDecided)
	}
	a.mover, err = retention.New(retention.Config{
		Store:   a.rawStore,
		Archive: archive.New(dir),
		Window:  window,
		Holder:  retention.Holder(),
		Logger:  a.logger.Named("retention"),
		Prune:   prune,
	})
	return err
}

// startRetention runs the mover from Start until Stop, or warns that the
// store keeps every event.
func (a *App) startRetention() {
	cps := a.checkpoints
	a.bg.start(func(ctx context.Context) { cps.Run(ctx, checkpoint.DefaultInterval, a.logger) })
	if a.mover == nil {
		if a.AuditRetention != retentionOff {
			a.logger.Warn("audit_archive is not set: every audit event stays in the store, which grows without bound")
		}
		return
	}
	m := a.mover
	a.bg.start(func(ctx context.Context) { m.Run(ctx, retentionInterval) })
}

// Checkpoints returns the service that signs audit checkpoints.
func (a *App) Checkpoints() *checkpoint.Service { return a.checkpoints }

// RetentionStatus reports what the mover last did; ok is false when no
// mover runs.
func (a *App) RetentionStatus() (retention.Status, bool) {
	if a.mover == nil {
		return retention.Status{}, false
	}
	return a.mover.Status(), true
}
