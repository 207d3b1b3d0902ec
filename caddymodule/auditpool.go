package caddymodule

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// auditFlushTimeout bounds writing pending audit events when the last
// config using a store is cleaned up.
const auditFlushTimeout = 5 * time.Second

// writers holds one audit writer per store, shared across reloads like the
// store itself: requests of the old config still finishing during a reload
// record through the writer the new config uses, so no event is refused
// because a writer closed under them.
var writers = caddy.NewUsagePool()

// pooledWriter is a running audit writer.
type pooledWriter struct {
	w    *audit.Writer
	stop context.CancelFunc
}

// Destruct writes the pending events, waiting at most auditFlushTimeout,
// and stops the writer. It implements caddy.Destructor.
func (p pooledWriter) Destruct() error {
	ctx, cancel := context.WithTimeout(context.Background(), auditFlushTimeout)
	defer cancel()
	err := p.w.Close(ctx)
	p.stop()
	if err != nil {
		return fmt.Errorf("closing the audit writer left events unwritten: %v", err)
	}
	return nil
}

// acquireWriter returns the running audit writer of the store at k,
// starting one if no config holds it. Every call must be paired with
// releaseWriter, before the store is released.
func acquireWriter(k poolKey, st store.Store) *audit.Writer {
	val, _, _ := writers.LoadOrNew(k, func() (caddy.Destructor, error) {
		return startWriter(st), nil
	})
	return val.(pooledWriter).w
}

// startWriter starts an audit writer over st.
func startWriter(st store.Store) pooledWriter {
	logger := caddy.Log().Named("lockbox.audit")
	w := audit.NewWriter(lockboxMetrics.AuditStore(st), audit.Options{OnError: func(err error) {
		logger.Error("writing audit events; retrying", zap.Error(err))
	}})
	ctx, cancel := context.WithCancel(context.Background())
	go w.Run(ctx)
	return pooledWriter{w: w, stop: cancel}
}

// releaseWriter drops one use of the writer at k; the last use flushes
// and stops it.
func releaseWriter(k poolKey) error {
	_, err := writers.Delete(k)
	return err
}
