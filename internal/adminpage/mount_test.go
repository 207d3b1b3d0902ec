package adminpage_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	r := testkit.Send(t, plain, http.MethodGet, u, nil, nil)
	return r.Status, string(r.Body)
}

func TestTheGatewayMountsThePageAndTheAPI(t *testing.T) {
	s := newSite(t, siteOptions{})
	if status, body := get(t, s.srv.URL+"/_lockbox/admin"); status != http.StatusForbidden || !strings.Contains(body, "Your Support Access link has expired") {
		t.Fatalf("page: %d %.300s", status, body)
	}
	if status, body := get(t, s.srv.URL+"/_lockbox/api/v1/openapi.json"); status != http.StatusOK || !strings.Contains(body, `"openapi"`) {
		t.Fatalf("API document: %d %.300s", status, body)
	}
	if status, _ := s.api(http.MethodGet, "/tenants/acme/grants", nil); status != http.StatusOK {
		t.Fatalf("API: %d", status)
	}
	if status, _ := get(t, s.srv.URL+"/_lockbox/api/v2"); status != http.StatusNotFound {
		t.Fatalf("unknown path under the prefix: %d", status)
	}
	if s.app.served("/_lockbox/admin") || s.app.served("/_lockbox/api/v2") {
		t.Fatal("a Lockbox path reached the app")
	}
}

func TestUnmountedPartsAreNotFound(t *testing.T) {
	s := newSite(t, siteOptions{unmounted: true})
	for _, p := range []string{"/_lockbox/admin", "/_lockbox/admin/grants", "/_lockbox/api/v1/openapi.json", "/_lockbox/api/v1"} {
		if status, body := get(t, s.srv.URL+p); status != http.StatusNotFound || !strings.Contains(body, "There is no such Lockbox page") {
			t.Fatalf("%s: %d %.300s", p, status, body)
		}
	}
	if status, _ := get(t, s.srv.URL+"/anything"); status != http.StatusOK {
		t.Fatalf("ordinary traffic: %d", status)
	}
}
