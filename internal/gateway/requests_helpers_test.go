package gateway_test

import (
	"html"
	"net/url"
	"regexp"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/request"
)

// askPath is where the console's request forms post.
const askPath = "/_lockbox/requests"

// ask posts the console's request form with fields, and the CSRF token
// of the console as it is now.
func (b *browser) ask(fields url.Values) page {
	b.t.Helper()
	form := url.Values{"csrf": {b.console().csrf}}
	for k, v := range fields {
		form[k] = v
	}
	return b.post(askPath, form)
}

// mustAsk asks and expects the redirect back to the console.
func (b *browser) mustAsk(fields url.Values) {
	b.t.Helper()
	if p := b.ask(fields); p.status != 303 || p.location() != "/_lockbox/" {
		b.t.Fatalf("asking %v: %d %q %.500s", fields, p.status, p.location(), p.body)
	}
}

// askFor is a valid request form for tenant.
func askFor(tenant string) url.Values {
	return url.Values{"tenant": {tenant}, "reason": {"Customer reports missing invoices"}, "duration": {"1d"}}
}

var refusedPattern = regexp.MustCompile(`(?s)<div class="card notice" id="refused" role="alert"><p><b>Your request was not sent.</b> (.*?)</p></div>`)

// refused returns why the console says the last request was not sent,
// unescaped, or "".
func refused(body string) string {
	if m := refusedPattern.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// requestRow is one row of the console's "Your requests".
type requestRow struct {
	tenant, state, status string
	row                   string // the whole row, as HTML
}

var requestRowPattern = regexp.MustCompile(`(?s)<tr class="request (\w+)">\s*<td><b class="request-tenant">([^<]+)</b>.*?<span class="state">([^<]*)</span>.*?</tr>`)

// requestRows parses the console's "Your requests", newest first.
func requestRows(body string) []requestRow {
	var rows []requestRow
	for _, m := range requestRowPattern.FindAllStringSubmatch(body, -1) {
		rows = append(rows, requestRow{tenant: html.UnescapeString(m[2]), state: m[1], status: html.UnescapeString(m[3]), row: m[0]})
	}
	return rows
}

// onlyRequestRow expects the console to list exactly one request.
func onlyRequestRow(t testing.TB, body string) requestRow {
	t.Helper()
	rows := requestRows(body)
	if len(rows) != 1 {
		t.Fatalf("expected one request on the console, got %+v", rows)
	}
	return rows[0]
}

var tenantRowPattern = regexp.MustCompile(`(?s)<tr>\s*<td><b>([^<]+)</b>.*?</tr>`)

// tenantRow returns the HTML of the console's row of tenant, or "".
func tenantRow(body, tenant string) string {
	for _, m := range tenantRowPattern.FindAllStringSubmatch(body, -1) {
		if html.UnescapeString(m[1]) == tenant {
			return m[0]
		}
	}
	return ""
}

// stored returns the tenant's requests as the service has them.
func (e *env) stored(tenant string) []request.Request {
	e.t.Helper()
	rs, err := e.requests.List(e.ctx, tenant, request.Filter{})
	if err != nil {
		e.t.Fatalf("listing %s's requests: %v", tenant, err)
	}
	return rs
}

// only expects the tenant to have exactly one request and returns it.
func (e *env) only(tenant string) request.Request {
	e.t.Helper()
	rs := e.stored(tenant)
	if len(rs) != 1 {
		e.t.Fatalf("expected one request to %s, got %d", tenant, len(rs))
	}
	return rs[0]
}

// approve approves the tenant's only request as admin.
func (e *env) approve(tenant string, by string, d request.Decision) request.Request {
	e.t.Helper()
	d.By = tenantAdmin
	if by != "" {
		d.By.ID, d.By.Email = by, by+"@acme.example"
	}
	r, err := e.requests.Approve(e.ctx, tenant, e.only(tenant).ID, d)
	if err != nil {
		e.t.Fatalf("approving %s's request: %v", tenant, err)
	}
	return r
}
