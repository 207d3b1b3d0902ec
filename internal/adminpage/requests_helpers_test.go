package adminpage_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// The support agents who ask, and olga, a second admin of acme.
var (
	bob  = store.Agent{Issuer: "https://idp.support.example", Subject: "bob", Name: "Bob Operator", Email: "bob@support.example"}
	cara = store.Agent{Issuer: "https://idp.support.example", Subject: "cara", Name: "Cara Desk", Email: "cara@support.example"}
	olga = admins.Admin{ID: "u_olga", Email: "olga@acme.test", Name: "Olga", Role: "admin"}
)

// ask is what an agent sends, filled in from a for bob asking acme.
func ask(a request.Ask) request.Ask {
	if a.Tenant == "" {
		a.Tenant = "acme"
	}
	if a.Agent.Subject == "" {
		a.Agent = bob
	}
	if a.Reason == "" {
		a.Reason = "Customer reports a broken invoice"
	}
	if a.Duration == "" {
		a.Duration = "7d"
	}
	return a
}

// ask stores an agent's request through the request service.
func (e *env) ask(a request.Ask) request.Request {
	e.t.Helper()
	r, err := e.requests.Create(ctx(e.t), ask(a))
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// request reads request id back.
func (e *env) request(id string) request.Request {
	e.t.Helper()
	r, err := e.requests.Get(ctx(e.t), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func approveURL(id string) string { return page + "/requests/" + id + "/approve" }
func denyURL(id string) string    { return page + "/requests/" + id + "/deny" }

// card is the part of page p that shows request id: its pending card,
// or its row in the history; "" when p does not show it.
func card(p resp, id string) string {
	start := strings.Index(p.body, `id="request-`+id+`"`)
	if start < 0 {
		return ""
	}
	body := p.body[start:]
	end := len(body)
	for _, closer := range []string{"</section>", "</tr>", "</div>\n"} {
		if i := strings.Index(body, closer); i >= 0 && i < end {
			end = i
		}
	}
	return body[:end]
}

// cardOf is card, failing the test when p does not show the request.
func cardOf(t *testing.T, p resp, id string) string {
	t.Helper()
	c := card(p, id)
	if c == "" {
		t.Fatalf("page does not show request %s: %.3000s", id, p.body)
	}
	return c
}

// approveForm is the approve form as the page fills it in for a
// request of read, write and pii for 7 days over the whole app.
func approveForm(extra url.Values) url.Values {
	f := url.Values{"scope": {"write", "pii"}, "duration": {"7d"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// decided posts a decision form and expects the redirect with flash.
func decided(t *testing.T, c *client, u string, form url.Values, flash string) {
	t.Helper()
	r := c.post(u, form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?done="+flash {
		t.Fatalf("%s: %d %q %.600s", u, r.status, r.header.Get("Location"), r.body)
	}
}

// stillPending fails the test unless request id waits for a decision
// with no approvals.
func (e *env) stillPending(id string) {
	e.t.Helper()
	if r := e.request(id); r.State != request.Pending || len(r.Approvals) != 0 {
		e.t.Fatalf("request changed: %+v", r)
	}
}

var checkedBox = regexp.MustCompile(`<input type="checkbox" name="(scope|area)" value="([a-z]+)" checked>`)

// checkedBoxes lists the checked scope and area boxes of a card, as
// "scope=write".
func checkedBoxes(card string) []string {
	var out []string
	for _, m := range checkedBox.FindAllStringSubmatch(card, -1) {
		out = append(out, m[1]+"="+m[2])
	}
	return out
}
