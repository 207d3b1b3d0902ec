package redisstore_test

import (
	"bytes"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
)

// recorded collects the changes a Watch delivers.
type recorded struct {
	mu  sync.Mutex
	got []store.Change
}

func (r *recorded) add(c store.Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, c)
}

func (r *recorded) has(want store.Change) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.got {
		if c == want {
			return true
		}
	}
	return false
}

// TestOwnChangesReachWatchBeforeTheWriteReturns holds everything Redis
// sends on the store's subscription, so the feed cannot carry the change,
// and checks that each grant and session write has already told the
// store's own watcher when it returns.
func TestOwnChangesReachWatchBeforeTheWriteReturns(t *testing.T) {
	srv := redistest.Start(t)
	feed := startFeedHolder(t, srv.Addr())
	s, err := redisstore.Open("redis://" + feed.addr() + "/0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	var rec recorded
	if err := s.Watch(ctx(t), rec.add); err != nil {
		t.Fatal(err)
	}
	feed.hold()
	now := time.Now().UTC()
	check := func(what string, want store.Change) {
		t.Helper()
		if !rec.has(want) {
			t.Fatalf("%s returned before its watcher heard %+v", what, want)
		}
	}
	if _, err := s.PutGrant(ctx(t), grant("acme", "g1", now, time.Hour)); err != nil {
		t.Fatal(err)
	}
	check("PutGrant", store.Change{Kind: store.ChangeGrant, Tenant: "acme", ID: "g1"})
	if _, err := s.ExtendGrant(ctx(t), "acme", "g1", store.Extension{To: now.Add(2 * time.Hour), At: now, By: ops}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EndGrant(ctx(t), "acme", "g1", store.Ending{At: now, Reason: store.EndRevoked, By: &ops}); err != nil {
		t.Fatal(err)
	}
	check("EndGrant", store.Change{Kind: store.ChangeGrant, Tenant: "acme", ID: "g1"})
	sess := store.Session{ID: "s1", Tenant: "acme", Grant: "g1", StartedAt: now, EndsAt: now.Add(time.Hour), LastSeen: now}
	if err := s.PutSession(ctx(t), sess); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EndSession(ctx(t), "acme", "s1", now, store.SessionExit); err != nil {
		t.Fatal(err)
	}
	check("EndSession", store.Change{Kind: store.ChangeSession, Tenant: "acme", ID: "s1"})
}

// feedHolder is a TCP proxy in front of Redis that can hold back what
// Redis sends on subscription connections while other traffic flows.
type feedHolder struct {
	l     net.Listener
	redis string

	mu     sync.Mutex
	held   bool
	resume chan struct{}
}

func startFeedHolder(t *testing.T, redisAddr string) *feedHolder {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &feedHolder{l: l, redis: redisAddr, resume: make(chan struct{})}
	t.Cleanup(func() { _ = l.Close(); f.release() })
	go f.serve()
	return f
}

func (f *feedHolder) addr() string { return f.l.Addr().String() }

// hold stops replies on subscription connections until release.
func (f *feedHolder) hold() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.held = true
}

func (f *feedHolder) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.held {
		f.held = false
		close(f.resume)
	}
}

func (f *feedHolder) waitIfHeld() {
	f.mu.Lock()
	held, resume := f.held, f.resume
	f.mu.Unlock()
	if held {
		<-resume
	}
}

func (f *feedHolder) serve() {
	for {
		c, err := f.l.Accept()
		if err != nil {
			return
		}
		go f.pipe(c)
	}
}

func (f *feedHolder) pipe(c net.Conn) {
	defer c.Close()
	r, err := net.Dial("tcp", f.redis)
	if err != nil {
		return
	}
	defer r.Close()
	var sub sync.Once
	subscribed := make(chan struct{})
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				if bytes.Contains(bytes.ToLower(buf[:n]), []byte("subscribe")) {
					sub.Do(func() { close(subscribed) })
				}
				if _, werr := r.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				_ = r.Close()
				return
			}
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		select {
		case <-subscribed:
			f.waitIfHeld()
		default:
		}
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
