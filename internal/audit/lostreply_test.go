package audit_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// replyDropper is a TCP proxy in front of Redis that, once armed, lets
// the next audit append through to Redis but never passes its reply on:
// the client times out after Redis wrote the events.
type replyDropper struct {
	ln      net.Listener
	target  string
	armed   atomic.Bool
	dropped atomic.Int32
	wg      sync.WaitGroup
}

func newReplyDropper(t *testing.T, target string) *replyDropper {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &replyDropper{ln: ln, target: target}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *replyDropper) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

func (p *replyDropper) serve(client net.Conn) {
	defer p.wg.Done()
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	var swallow atomic.Bool // this connection's replies go nowhere from now on
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := client.Read(buf)
			if n > 0 {
				// The append script is the only command naming the id set.
				if bytes.Contains(buf[:n], []byte("audit:ids")) && p.armed.CompareAndSwap(true, false) {
					swallow.Store(true)
					p.dropped.Add(1)
				}
				if _, werr := server.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				server.Close()
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := server.Read(buf)
		if n > 0 && !swallow.Load() {
			if _, werr := client.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			return
		}
	}
}

// TestLostReplyWritesOnce: Redis writes a batch but its reply is lost, so
// the client times out and the writer appends the batch again; every
// event is stored exactly once and the chain verifies.
func TestLostReplyWritesOnce(t *testing.T) {
	srv := redistest.Start(t)
	proxy := newReplyDropper(t, srv.Addr())
	s := testkit.Redis(t, "redis://"+proxy.ln.Addr().String()+"/0?read_timeout=300ms&max_retries=-1")
	failed := make(chan error, 16)
	w := start(t, s, audit.Options{OnError: func(err error) { failed <- err }})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// A first append loads the script, so the reply lost is an append's.
	if err := w.RecordSync(ctx, "acme", req(-1)); err != nil {
		t.Fatal(err)
	}
	proxy.armed.Store(true)
	const n = 5
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- w.Record(ctx, "acme", req(i), nil) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-failed:
		t.Logf("the writer saw the lost reply: %v", err)
	case <-ctx.Done():
		t.Fatal("the writer saw no failure: the reply was not lost")
	}
	// A synchronous event after them returns once everything before it is
	// written, the retried batch included.
	if err := w.RecordSync(ctx, "acme", req(n)); err != nil {
		t.Fatalf("RecordSync after the lost reply: %v", err)
	}
	if proxy.dropped.Load() != 1 {
		t.Fatalf("dropped %d replies, want 1", proxy.dropped.Load())
	}
	direct := testkit.Redis(t, srv.URL())
	v, err := store.Verify(ctx, direct, "acme")
	if err != nil || !v.OK {
		t.Fatalf("Verify = %+v, %v", v, err)
	}
	if v.Events != n+2 {
		t.Fatalf("chain holds %d events for %d recorded", v.Events, n+2)
	}
}
