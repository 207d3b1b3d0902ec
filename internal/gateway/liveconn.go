package gateway

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// liveWriter passes a proxied agent response through and notices when it
// becomes long-lived: a protocol switch (Hijack, for WebSockets) or a
// streamed body (Flush, for chunked and SSE responses).
type liveWriter struct {
	http.ResponseWriter
	g  *Gateway
	lr *liveReq
	s  *liveSession
}

// FlushError flushes a streamed response; the first flush makes the
// request long-lived.
func (w *liveWriter) FlushError() error {
	w.g.goLong(w.lr)
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush is FlushError for callers that use http.Flusher.
func (w *liveWriter) Flush() { _ = w.FlushError() }

// Hijack hands the client connection to the reverse proxy for a protocol
// switch, wrapped so the session can close it and its reads count as the
// agent's activity.
func (w *liveWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	// Reads go through brw's reader, which may hold bytes the client sent
	// right after the handshake.
	lc := &liveConn{Conn: conn, r: brw.Reader, g: w.g, s: w.s}
	w.lr.conn.Store(lc)
	w.g.goLong(w.lr)
	if context.Cause(w.lr.ctx) == errSessionEnded {
		_ = lc.Close() // cut before the connection was known
	}
	return lc, bufio.NewReadWriter(bufio.NewReader(lc), bufio.NewWriter(lc)), nil
}

// Unwrap returns the writer underneath.
func (w *liveWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// liveConn is an upgraded agent connection (a WebSocket). What the agent
// sends on it is activity in the session, as a request would be.
type liveConn struct {
	net.Conn
	r *bufio.Reader
	g *Gateway
	s *liveSession

	touched atomic.Int64 // unix nanos of the last activity sent to the store
}

func (c *liveConn) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.active()
	}
	return n, err
}

// CloseWrite passes a half-close on, as the reverse proxy expects of a
// TCP connection.
func (c *liveConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}

// active notes activity here at once and in the store at most every
// touchEvery, so other instances do not judge the agent idle.
func (c *liveConn) active() {
	now := c.g.now()
	c.g.markSeen(c.s.ID, now)
	last := c.touched.Load()
	if now.UnixNano()-last < int64(c.g.touchEvery()) || !c.touched.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	go c.g.touch(c.s, now)
}

// touchEvery is how often WebSocket activity is written to the store: a
// small part of the idle timeout, so the store's idea of it lags little.
func (g *Gateway) touchEvery() time.Duration {
	return min(g.cfg.IdleTimeout/8, 10*time.Second)
}

// touch records activity without a request in the store.
func (g *Gateway) touch(s *liveSession, at time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), liveCheckTimeout)
	defer cancel()
	t := store.Touch{Tenant: s.Tenant, ID: s.ID, LastSeen: at}
	if err := g.d.Store.TouchSessions(ctx, t); err != nil {
		g.d.Logger.Warn("recording WebSocket activity", zap.String("session", s.ID), zap.Error(err))
	}
}
