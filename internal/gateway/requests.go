package gateway

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/words"
)

// keptText is how much of a refused field the console shows again.
const keptText = 2 * request.MaxReason

// serveRequests sends the agent's access request, or request for more
// time (extension=1), to the tenant's admins, then shows the console
// with it listed. A refusal shows the console again with why, and with
// what the agent typed.
func (g *Gateway) serveRequests(w http.ResponseWriter, r *http.Request) {
	ags, ok := g.signedIn(w, r)
	if !ok || !g.formOK(w, r, ags) || !g.askAllowed(w, r, ags) {
		return
	}
	a, err := askFrom(r.PostForm)
	if err == nil {
		a.Agent, a.Roles, a.RoleScopes = ags.Agent, ags.Roles, roleScopes(ags)
		_, err = g.d.Requests.Create(r.Context(), a)
	}
	if err != nil {
		g.askRefused(w, r, ags, a, err)
		return
	}
	g.askSent(r, ags)
	http.Redirect(w, r, g.cfg.Prefix+"/", http.StatusSeeOther)
}

// roleScopes are the scopes the agent's roles can ever use. Never nil:
// nil would skip the service's check.
func roleScopes(ags *login.AgentSession) []string {
	return append(make([]string, 0, len(ags.Scopes)), ags.Scopes...)
}

// askFrom reads the request form. Each text field comes once; the free
// text is one line of valid text, with no separators or direction
// overrides that could disguise it where admins read it. The Ask is
// returned even when refused, to show again what was typed.
func askFrom(f url.Values) (request.Ask, error) {
	a := request.Ask{
		Tenant: f.Get("tenant"), Reason: f.Get("reason"), Ticket: f.Get("ticket"),
		Duration: f.Get("duration"), Scopes: f["scopes"], Areas: f["areas"],
		Extension: f.Get("extension") == "1",
	}
	for _, k := range []string{"tenant", "reason", "ticket", "duration", "extension"} {
		if len(f[k]) > 1 {
			return a, problem.New(problem.Invalid, "invalid_form", "the form sent more than one %s", k)
		}
	}
	if v := f.Get("extension"); v != "" && v != "1" {
		return a, problem.New(problem.Invalid, "invalid_form", "the form's extension field must be 1 or absent")
	}
	for _, fld := range []struct{ name, v string }{{"reason", a.Reason}, {"ticket", a.Ticket}} {
		switch {
		case !utf8.ValidString(fld.v):
			return a, problem.New(problem.Invalid, "invalid_"+fld.name, "the %s is not valid text", fld.name)
		case strings.IndexFunc(fld.v, words.Unprintable) >= 0:
			return a, problem.New(problem.Invalid, "invalid_"+fld.name, "the %s must be one line without control characters", fld.name)
		}
	}
	return a, nil
}

// askRefused shows the console again with why the request was not sent
// and what the agent typed. The store failing is the unavailable page.
func (g *Gateway) askRefused(w http.ResponseWriter, r *http.Request, ags *login.AgentSession, a request.Ask, err error) {
	status := problem.Status(err)
	if status >= 500 {
		g.unavailable(w, r, err)
		return
	}
	c, verr := g.consoleView(r.Context(), ags)
	if verr != nil {
		g.unavailable(w, r, verr)
		return
	}
	c.Refused = sentence(problem.As(err).Message)
	a = kept(a)
	if !a.Extension {
		c.Ask = g.filledAskForm(ags, a)
	}
	for i := range c.Tenants {
		if row := &c.Tenants[i]; a.Extension && row.Tenant == a.Tenant && row.Extend != nil {
			row.Extend.Reason, row.Extend.Durations = a.Reason, g.durationChoices(a.Duration)
		}
	}
	pages.RenderStatus(w, status, "console.html", c)
}

// kept is what of a refused ask the form shows again: valid text only,
// clipped.
func kept(a request.Ask) request.Ask {
	keep := func(v string) string {
		if !utf8.ValidString(v) {
			return ""
		}
		return problem.Clip(v, keptText)
	}
	a.Tenant, a.Reason, a.Ticket = keep(a.Tenant), keep(a.Reason), keep(a.Ticket)
	return a
}

// sentence starts msg with a capital letter and ends it with a full stop.
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
