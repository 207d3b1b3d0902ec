package grant_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func TestCreateWithAreas(t *testing.T) {
	svc, _, s := newService(t)
	g, err := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Duration: time.Hour, By: dana,
		Areas: []string{"planning", "calendar", "planning"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"calendar", "planning"}; !slices.Equal(g.Areas, want) {
		t.Fatalf("areas = %q, want %q", g.Areas, want)
	}
	cur, err := svc.Current(ctx(), "acme")
	if err != nil || !slices.Equal(cur.Areas, g.Areas) {
		t.Fatalf("Current = %+v, %v", cur, err)
	}
	es, _ := s.Events(ctx(), "acme", store.EventQuery{})
	if !strings.Contains(string(es[0].Data), `"areas":["calendar","planning"]`) {
		t.Fatalf("grant.created data = %s", es[0].Data)
	}
}

func TestCreateWithoutAreasIsWholeApp(t *testing.T) {
	svc, _, s := newService(t)
	g, err := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Standing: true, By: dana, Areas: []string{}})
	if err != nil || g.Areas != nil {
		t.Fatalf("Create = %+v, %v", g, err)
	}
	es, _ := s.Events(ctx(), "acme", store.EventQuery{})
	if strings.Contains(string(es[0].Data), "areas") {
		t.Fatalf("grant.created data names areas: %s", es[0].Data)
	}
}
