package grant_test

import (
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

func TestCurrentOrNil(t *testing.T) {
	svc, c, s := newService(t)
	if g, err := svc.CurrentOrNil(ctx(), "acme"); g != nil || err != nil {
		t.Fatalf("no grant yet: %+v, %v", g, err)
	}
	want, _ := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Duration: time.Hour, By: dana})
	if g, err := svc.CurrentOrNil(ctx(), "acme"); err != nil || g == nil || g.ID != want.ID {
		t.Fatalf("active grant: %+v, %v", g, err)
	}
	c.Add(time.Hour)
	if g, err := svc.CurrentOrNil(ctx(), "acme"); g != nil || err != nil {
		t.Fatalf("after expiry: %+v, %v", g, err)
	}
	if _, err := svc.CurrentOrNil(ctx(), "ACME"); problem.As(err).Code != "invalid_tenant" {
		t.Fatalf("bad tenant: %v", err)
	}
	s.Close()
	if _, err := svc.CurrentOrNil(ctx(), "acme"); problem.As(err).Code != "store_unavailable" {
		t.Fatalf("store down: %v", err)
	}
}
