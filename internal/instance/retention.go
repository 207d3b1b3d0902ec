package instance

import (
	"context"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/retention"
)

// retentionInterval is how often the mover looks for days to move. Days
// move whole, so a few minutes late is no matter.
const retentionInterval = 10 * time.Minute

// setUpRetention sets up the checkpoints and, with an archive and a
// window, the mover over the raw store, which keeps the retention
// methods.
func (i *Instance) setUpRetention() error {
	i.checkpoints = &checkpoint.Service{Store: i.rawStore, Keys: i.keys, Publish: checkpoint.Publisher(i.notifier)}
	if i.cfg.Archive != "" {
		i.checkpoints.Archive = archive.New(i.cfg.Archive)
	}
	if i.set.window == 0 {
		return nil
	}
	var err error
	i.mover, err = retention.New(retention.Config{
		Store:   i.rawStore,
		Archive: archive.New(i.cfg.Archive),
		Window:  i.set.window,
		Holder:  retention.Holder(),
		Logger:  i.logger.Named("retention"),
		Prune:   []retention.PruneFunc{i.requests.PruneDecided},
	})
	return err
}

// startRetention runs the checkpoints and the mover from Start until
// Stop, or warns that the store keeps every event.
func (i *Instance) startRetention() {
	cps := i.checkpoints
	i.bg.start(func(ctx context.Context) { cps.Run(ctx, checkpoint.DefaultInterval, i.logger) })
	if i.mover == nil {
		if !i.cfg.KeepAll {
			i.logger.Warn("audit_archive is not set: every audit event stays in the store, which grows without bound")
		}
		return
	}
	m := i.mover
	i.bg.start(func(ctx context.Context) { m.Run(ctx, retentionInterval) })
}

// Checkpoints returns the service that signs audit checkpoints.
func (i *Instance) Checkpoints() *checkpoint.Service { return i.checkpoints }

// RetentionStatus reports what the mover last did; ok is false when no
// mover runs.
func (i *Instance) RetentionStatus() (retention.Status, bool) {
	if i.mover == nil {
		return retention.Status{}, false
	}
	return i.mover.Status(), true
}
