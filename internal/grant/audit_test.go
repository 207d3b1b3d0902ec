package grant_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// hangUp ends the caller's context once a grant is stored, as a client
// that hangs up at that moment would.
type hangUp struct {
	store.Store
	cancel context.CancelFunc
}

func (h hangUp) PutGrant(ctx context.Context, g store.Grant) (*store.Grant, error) {
	replaced, err := h.Store.PutGrant(ctx, g)
	h.cancel()
	return replaced, err
}

// TestHangUpAfterTheChangeStillAudits: a grant that was put is in the
// trail even when its creator hung up right after, so nobody can make a
// grant and keep it out of the audit by dropping the connection.
func TestHangUpAfterTheChangeStillAudits(t *testing.T) {
	s := testkit.Bolt(t)
	ctx, cancel := context.WithCancel(context.Background())
	svc := grant.New(hangUp{Store: s, cancel: cancel}, nil)
	g, err := svc.Create(ctx, grant.CreateRequest{Tenant: "acme", Scopes: []string{"read"}, Duration: time.Hour, By: dana})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if got := eventTypes(t, s, "acme"); !slices.Equal(got, []string{grant.EventCreated}) {
		t.Fatalf("events %v after grant %s was put; want its grant.created", got, g.ID)
	}
}
