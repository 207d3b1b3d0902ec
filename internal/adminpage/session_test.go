package adminpage_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// visit stores a session of bob in acme that started at the env's time.
func (e *env) visit(id string, end string) store.Session {
	e.t.Helper()
	now := e.Clock.Now()
	s := store.Session{ID: id, Tenant: "acme", Grant: "g_1", Agent: store.Agent{Subject: "bob", Name: "Bob Operator", Email: "bob@support.example"},
		Scopes: []string{"read", "write"}, StartedAt: now, EndsAt: now.Add(8 * time.Hour), LastSeen: now}
	if err := e.Store.PutSession(ctx(e.t), s); err != nil {
		e.t.Fatal(err)
	}
	if end == "" {
		return s
	}
	ended, err := e.Store.EndSession(ctx(e.t), "acme", id, now.Add(time.Hour), end)
	if err != nil {
		e.t.Fatal(err)
	}
	return ended
}

func (e *env) append(events ...store.Event) {
	e.t.Helper()
	if _, err := e.Store.AppendEvents(ctx(e.t), "acme", events...); err != nil {
		e.t.Fatal(err)
	}
}

func httpRequest(session, method, path string, status int, at time.Time) store.Event {
	return store.Event{Type: "http.request", Time: at, Session: session,
		Data: fmt.Appendf(nil, `{"method":%q,"path":%q,"status":%d,"bytes":10,"duration_ms":3}`, method, path, status)}
}

var cell = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
var tag = regexp.MustCompile(`<[^>]+>`)

// rows returns the text of the table with id on p, one string per row.
func rows(p resp, id string) []string {
	start := strings.Index(p.body, `id="`+id+`"`)
	if start < 0 {
		return nil
	}
	body := p.body[start:]
	body = body[:strings.Index(body, "</table>")]
	var out []string
	for _, tr := range strings.Split(body, "<tr>")[2:] {
		var cells []string
		for _, m := range cell.FindAllStringSubmatch(tr, -1) {
			cells = append(cells, strings.Join(strings.Fields(tag.ReplaceAllString(m[1], " ")), " "))
		}
		out = append(out, strings.TrimSpace(strings.Join(cells, " | ")))
	}
	return out
}

func TestVisitsAreListedWithTheirRequests(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, _ := e.signedIn()
	now := e.Clock.Now()
	e.visit("s_old", store.SessionLogout)
	e.Clock.Add(2 * time.Hour)
	live := e.visit("s_live", "")
	e.append(
		store.Event{Type: "session.started", Time: now, Session: "s_old", Data: []byte(`{"scopes":["read","write"]}`)},
		httpRequest("s_old", "GET", "/customers/42", 200, now.Add(time.Minute)),
		httpRequest("s_other", "GET", "/elsewhere", 200, now.Add(2*time.Minute)),
		store.Event{Type: "access.denied", Time: now.Add(3 * time.Minute), Session: "s_old",
			Data: []byte(`{"reason":"denied_rule","message":"Billing settings are off limits to support.","method":"POST","path":"/settings/billing"}`)},
		store.Event{Type: "session.ended", Time: now.Add(time.Hour), Session: "s_old", Data: []byte(`{"reason":"logout","requests":1}`)},
	)
	// As the gateway counts them: the request, then the refusal.
	if err := e.Store.TouchSessions(ctx(t), store.Touch{Tenant: "acme", ID: "s_old", LastSeen: now.Add(time.Minute), Requests: 1},
		store.Touch{Tenant: "acme", ID: "s_old", Requests: 1, Refused: 1}); err != nil {
		t.Fatal(err)
	}
	got := rows(c.page(), "sessions")
	want := []string{
		"Bob Operator (bob@support.example) Read and write, personal data masked | " + live.StartedAt.Format("2006-01-02 15:04 UTC") + " | active | no requests",
		"Bob Operator (bob@support.example) Read and write, personal data masked | 2030-01-02 03:04 UTC | 2030-01-02 04:04 UTC the agent signed out | 2 requests, 1 refused",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("visits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p := c.get(page + "/sessions/s_old")
	must(t, p, http.StatusOK, "Visit by Bob Operator (bob@support.example)", "logged out 2030-01-02 04:04 UTC (the agent signed out)", "2 requests, 1 refused")
	got = rows(p, "requests")
	want = []string{
		"2030-01-02 03:04:05 UTC | entered acme |",
		"2030-01-02 03:05:05 UTC | GET /customers/42 | 200",
		"2030-01-02 03:07:05 UTC | POST /settings/billing | refused Billing settings are off limits to support.",
		"2030-01-02 04:04:05 UTC | visit ended: the agent signed out |",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(c.page().body, `href="/_lockbox/admin/sessions/s_old"`) {
		t.Fatal("the page does not link the visit")
	}
}

func TestLongVisitsArePaged(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, _ := e.signedIn()
	e.visit("s_1", "")
	var events []store.Event
	for i := range 250 {
		events = append(events, httpRequest("s_1", "GET", fmt.Sprintf("/page/%d", i), 200, e.Clock.Now()))
	}
	e.append(events...)
	p := c.get(page + "/sessions/s_1")
	next := regexp.MustCompile(`href="(/_lockbox/admin/sessions/s_1\?after=\d+)"`).FindStringSubmatch(p.body)
	if n := len(rows(p, "requests")); n != 200 || next == nil {
		t.Fatalf("first page: %d rows, next %v", n, next)
	}
	p = c.get(next[1])
	if r := rows(p, "requests"); len(r) != 50 || !strings.Contains(r[49], "/page/249") || strings.Contains(p.body, "Later requests") {
		t.Fatalf("second page: %d rows, last %q", len(r), r[len(r)-1])
	}
}

func TestVisitPageRefusals(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, _ := e.signedIn()
	e.visit("s_1", "")
	tests := []struct {
		path   string
		status int
	}{
		{page + "/sessions/s_nope", http.StatusNotFound},
		{page + "/sessions/" + strings.Repeat("x", 300), http.StatusNotFound},
		{page + "/sessions/s_1/more", http.StatusNotFound},
		{page + "/sessions/s_1?after=-1", http.StatusBadRequest},
		{page + "/sessions/s_1?after=x", http.StatusBadRequest},
		{page + "?visits=bogus", http.StatusBadRequest},
		{page + "?grants=bogus", http.StatusBadRequest},
		{page + "?visits=" + strings.Repeat("x", 600), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.path[:min(len(tt.path), 60)], func(t *testing.T) {
			if r := c.get(tt.path); r.status != tt.status {
				t.Fatalf("%d, want %d: %.300s", r.status, tt.status, r.body)
			}
		})
	}
	must(t, e.client().get(page+"/sessions/s_1"), http.StatusForbidden, "Your Support Access link has expired")
}
