package appapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/store"
	lbtoken "github.com/lockbox-gw/lockbox/internal/token"
)

func TestCheckpoints(t *testing.T) {
	e := newEnv(t, nil)
	keys := lbtoken.NewKeys(e.Store, e.Clock.Now)
	var published []checkpoint.Signed
	svc := &checkpoint.Service{Store: e.Store, Keys: keys, Archive: archive.New(t.TempDir()), Now: e.Clock.Now,
		Publish: func(_ context.Context, s checkpoint.Signed) error { published = append(published, s); return nil }}
	h, err := appapi.New(appapi.Config{APIKeys: []string{keyOne}, PublicURL: publicURL},
		appapi.Deps{Grants: e.Grants, Admins: e.Admins, Links: e.Links, Requests: e.requests, Checkpoints: svc})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)

	if _, err := e.Store.AppendEvents(ctx(t), "acme", store.Event{Type: "http.request"}, store.Event{Type: "http.request"}); err != nil {
		t.Fatal(err)
	}
	head, err := e.Store.AuditHead(ctx(t), "acme")
	if err != nil {
		t.Fatal(err)
	}
	r := e.do(http.MethodPost, "/tenants/acme/audit/checkpoints", "")
	var cp checkpoint.Signed
	if r.Status != http.StatusCreated || json.Unmarshal(r.Body, &cp) != nil || cp.Seq != head.Seq || cp.Hash != head.Hash || cp.Tenant != "acme" {
		t.Fatalf("POST checkpoints = %d %s", r.Status, r.Body)
	}
	jwks, err := keys.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := checkpoint.Parse(cp.JWS, jwks); err != nil || got.Hash != cp.Hash {
		t.Fatalf("the JWS does not verify with the published keys: %v", err)
	}
	if len(published) != 1 || published[0].JWS != cp.JWS {
		t.Fatalf("published %v", published)
	}
	r = e.do(http.MethodGet, "/tenants/acme/audit/checkpoints?limit=5", "")
	var list struct{ Checkpoints []checkpoint.Signed }
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &list) != nil || len(list.Checkpoints) != 1 || list.Checkpoints[0].JWS != cp.JWS {
		t.Fatalf("GET checkpoints = %d %s", r.Status, r.Body)
	}
	e.callError(http.MethodGet, "/tenants/acme/audit/checkpoints?limit=0", "", 400, "invalid_query")
	if r := e.do(http.MethodGet, "/tenants/globex/audit/checkpoints", ""); r.Status != http.StatusOK || string(r.Body) != "{\"checkpoints\":[]}\n" {
		t.Fatalf("other tenant = %d %q", r.Status, r.Body)
	}
}
