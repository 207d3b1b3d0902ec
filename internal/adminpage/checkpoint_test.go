package adminpage_test

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// TestPageShowsTheLatestCheckpoint: no line before a checkpoint is
// signed; then the page names its seq and time and holds the JWS to copy,
// and the download serves it, to the tenant's own signed-in admins only.
func TestPageShowsTheLatestCheckpoint(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	must(t, p, http.StatusOK)
	if strings.Contains(p.body, `id="checkpoint"`) {
		t.Fatal("the page shows a checkpoint before any was signed")
	}
	must(t, c.get(page+"/checkpoint.jws"), http.StatusNotFound)
	e.grant("read")
	cp, err := e.checkpoints.SignTenant(ctx(t), "acme")
	if err != nil || cp.Seq == 0 {
		t.Fatalf("SignTenant = %+v, %v", cp, err)
	}
	p = c.get(page)
	must(t, p, http.StatusOK, `id="checkpoint"`, fmt.Sprintf("Latest signed checkpoint of the audit log: event %d, signed 2030-01-02 03:04 UTC", cp.Seq),
		`value="`+cp.JWS+`"`, `href="`+page+`/checkpoint.jws"`)
	d := c.get(page + "/checkpoint.jws")
	must(t, d, http.StatusOK)
	if d.body != cp.JWS+"\n" || d.header.Get("Content-Type") != "application/jose" ||
		d.header.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="acme-audit-checkpoint-%d.jws"`, cp.Seq) {
		t.Fatalf("download: %q %v", d.body, d.header)
	}
	// Another tenant's admin gets their own tenant's, which has none.
	g := e.client()
	must(t, g.open(e.link("globex", gus)), http.StatusOK)
	must(t, g.get(page+"/checkpoint.jws"), http.StatusNotFound)
	// Without a session, nothing.
	if r := e.client().get(page + "/checkpoint.jws"); r.status != http.StatusForbidden || strings.Contains(r.body, html.EscapeString(cp.JWS)) {
		t.Fatalf("download without a session: %d", r.status)
	}
}
