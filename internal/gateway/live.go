package gateway

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// errSessionEnded is the cause given to the context of an agent request
// cut because its session ended.
var errSessionEnded = errors.New("lockbox: the support session ended")

// liveCheckTimeout bounds the store calls made to decide whether a
// session with open connections has ended.
const liveCheckTimeout = 5 * time.Second

// live tracks the agent requests this instance is serving, by session, so
// that when a session ends (on any instance, for any reason) its open
// WebSockets and streams end with it instead of living on.
type live struct {
	mu       sync.Mutex
	sessions map[string]*liveSet
}

// liveSet is what one session has open on this instance; it lives from
// the session's first request here to its end.
type liveSet struct {
	s     *store.Session // as the requests found it
	reqs  map[*liveReq]struct{}
	long  int         // how many of reqs are upgraded or streaming
	timer *time.Timer // the next check of the session's end, while long > 0
}

// liveReq is one agent request in flight. Cancelling its context makes
// reverse_proxy drop the upstream; an upgraded connection is also closed.
type liveReq struct {
	sid    string
	ctx    context.Context
	cancel context.CancelCauseFunc
	long   atomic.Bool
	conn   atomic.Pointer[liveConn] // the hijacked client connection, if any
	passed bool                     // the checks let it through to the app
}

func newLive() *live { return &live{sessions: map[string]*liveSet{}} }

// enter registers a request of session sid before its checks, so a
// session that ends while they run cuts it too.
func (l *live) enter(r *http.Request, sid string) *liveReq {
	ctx, cancel := context.WithCancelCause(r.Context())
	lr := &liveReq{sid: sid, ctx: ctx, cancel: cancel}
	l.mu.Lock()
	defer l.mu.Unlock()
	set := l.sessions[sid]
	if set == nil {
		set = &liveSet{reqs: map[*liveReq]struct{}{}}
		l.sessions[sid] = set
	}
	set.reqs[lr] = struct{}{}
	return lr
}

// found records the session as the request's checks read it.
func (l *live) found(lr *liveReq, s *store.Session) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if set := l.sessions[lr.sid]; set != nil && set.s == nil {
		set.s = s
	}
}

// leave unregisters a finished request.
func (l *live) leave(lr *liveReq) {
	lr.cancel(nil)
	l.mu.Lock()
	defer l.mu.Unlock()
	set := l.sessions[lr.sid]
	if set == nil {
		return
	}
	if _, ok := set.reqs[lr]; !ok {
		return
	}
	delete(set.reqs, lr)
	if lr.long.Load() {
		set.long--
		if set.long == 0 && set.timer != nil {
			set.timer.Stop()
			set.timer = nil
		}
	}
	// An empty set of a session in use stays until the session ends (cut,
	// which the change feed brings to every instance), so its requests one
	// after another do not each allocate one; a refused request (of a
	// session that has ended, say) leaves none behind.
	if len(set.reqs) == 0 && !lr.passed {
		delete(l.sessions, lr.sid)
	}
}

// cut ends every request of session sid on this instance.
func (l *live) cut(sid string) int {
	l.mu.Lock()
	set := l.sessions[sid]
	delete(l.sessions, sid)
	if set != nil && set.timer != nil {
		set.timer.Stop()
	}
	l.mu.Unlock()
	if set == nil {
		return 0
	}
	for lr := range set.reqs {
		lr.cut()
	}
	return len(set.reqs)
}

func (lr *liveReq) cut() {
	lr.cancel(errSessionEnded)
	if c := lr.conn.Load(); c != nil {
		_ = c.Close()
	}
}

// endedMeanwhile answers a request whose session ended, on some instance,
// while its checks ran: nothing of it reaches the app.
func (g *Gateway) endedMeanwhile(w http.ResponseWriter, r *http.Request, s *store.Session) {
	ended, err := g.d.Store.GetSession(r.Context(), s.Tenant, s.ID)
	if err != nil {
		g.unavailable(w, r, problem.Store(err))
		return
	}
	g.sessionOver(w, r, &ended)
}

// sessionsOf returns the sessions of tenant with requests in flight; all
// of them when tenant is empty.
func (l *live) sessionsOf(tenant string) []*store.Session {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*store.Session
	for _, set := range l.sessions {
		if set.s != nil && (tenant == "" || set.s.Tenant == tenant) {
			out = append(out, set.s)
		}
	}
	return out
}

// goLong marks lr as upgraded or streaming: from now on the session's end
// by time or idleness is watched for on this instance, not only at the
// next request.
func (g *Gateway) goLong(lr *liveReq) {
	if lr.long.Swap(true) {
		return
	}
	l := g.live
	l.mu.Lock()
	defer l.mu.Unlock()
	set := l.sessions[lr.sid]
	if set == nil {
		return
	}
	if _, ok := set.reqs[lr]; !ok {
		return
	}
	set.long++
	if set.long == 1 && set.s != nil {
		g.armLocked(set)
	}
}

// armLocked schedules the next check of set's session: at its end or when
// its agent would have been idle for IdleTimeout, whichever is first.
func (g *Gateway) armLocked(set *liveSet) {
	s := set.s
	at := s.EndsAt.Truncate(time.Second)
	if idle := g.idleSince(s).Add(g.cfg.IdleTimeout); idle.Before(at) {
		at = idle
	}
	d := max(at.Sub(g.now()), 0)
	if set.timer != nil {
		set.timer.Reset(d)
		return
	}
	set.timer = time.AfterFunc(d, func() { g.checkLive(s.ID) })
}

// checkLive ends a session with open connections whose time is up or
// whose agent went idle, or schedules the next check.
func (g *Gateway) checkLive(sid string) {
	g.live.mu.Lock()
	set := g.live.sessions[sid]
	g.live.mu.Unlock()
	if set == nil || set.s == nil {
		return
	}
	g.endIfOver(set.s)
	g.live.mu.Lock()
	defer g.live.mu.Unlock()
	if cur := g.live.sessions[sid]; cur == set && set.long > 0 {
		g.armLocked(set)
	}
}

// endIfOver ends s if it should have ended by now; ending it cuts its
// requests here and, through the change feed, everywhere else.
func (g *Gateway) endIfOver(s *store.Session) {
	ctx, cancel := context.WithTimeout(context.Background(), liveCheckTimeout)
	defer cancel()
	cur, err := g.session(ctx, s.Tenant, s.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		g.live.cut(s.ID)
		return
	case err == nil && cur.Ended():
		// Ended while this instance's feed was down (a resync).
		g.live.cut(s.ID)
		return
	case err != nil:
		g.d.Logger.Warn("checking a session with open connections", zap.String("session", s.ID), zap.Error(err))
		return
	}
	reason, err := g.overdue(ctx, cur)
	if err == nil && reason != "" {
		_, err = g.endSession(ctx, cur, reason)
	}
	if err != nil {
		g.d.Logger.Warn("checking a session with open connections", zap.String("session", s.ID), zap.Error(err))
	}
}

// observeLive follows the change feed for the open connections: a session
// that ended anywhere is cut here at once; a grant change re-checks the
// tenant's sessions against the store, off the feed's goroutine.
func (g *Gateway) observeLive(c store.Change) {
	switch c.Kind {
	case store.ChangeSession:
		g.live.cut(c.ID)
	case store.ChangeGrant, store.ChangeResync:
		tenant := c.Tenant
		if c.Kind == store.ChangeResync {
			tenant = ""
		}
		sessions := g.live.sessionsOf(tenant)
		for _, s := range sessions {
			go g.endIfOver(s)
		}
	}
}
