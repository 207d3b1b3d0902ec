package checkpoint_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// publisher records the events published through it.
type publisher struct {
	mu     sync.Mutex
	events []notify.Event
}

func (p *publisher) Publish(_ context.Context, e notify.Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, e)
	return nil
}

func (p *publisher) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.events)
}

func TestEventIsOncePerTenantAndSeq(t *testing.T) {
	cp := checkpoint.Signed{Checkpoint: checkpoint.Checkpoint{Tenant: "acme", Seq: 7, Time: now}}
	e := checkpoint.Event(cp)
	if e.ID != "audit.checkpoint:acme:7" || e.Type != checkpoint.EventType || e.Tenant != "acme" || !e.Time.Equal(now) {
		t.Errorf("event %+v; want id audit.checkpoint:acme:7 of type %s", e, checkpoint.EventType)
	}
}

func TestRunSignsEachIntervalThroughThePublisher(t *testing.T) {
	st := testkit.Bolt(t)
	// A tenant is known by its grants.
	if _, err := st.PutGrant(t.Context(), store.Grant{ID: "g", Tenant: "acme", CreatedAt: now, CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendEvents(t.Context(), "acme", store.Event{Type: "http.request"}); err != nil {
		t.Fatal(err)
	}
	p := new(publisher)
	svc := &checkpoint.Service{Store: st, Keys: token.NewKeys(st, func() time.Time { return now }),
		Now: func() time.Time { return now }, Publish: checkpoint.Publisher(p)}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			svc.Run(ctx, time.Hour, zaptest.NewLogger(t))
			close(done)
		}()
		synctest.Wait()
		if n := p.count(); n != 0 {
			t.Fatalf("published %d checkpoints before the first interval", n)
		}
		time.Sleep(time.Hour)
		synctest.Wait()
		if n := p.count(); n != 1 {
			t.Fatalf("published %d checkpoints after one interval; want 1", n)
		}
		cancel()
		<-done
	})
}
