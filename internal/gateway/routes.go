package gateway

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// route is one of Lockbox's own endpoints.
type route struct {
	method string
	serve  func(*Gateway, http.ResponseWriter, *http.Request)
}

var routes = map[string]route{
	"":                                  {http.MethodGet, (*Gateway).serveConsoleRedirect},
	"/":                                 {http.MethodGet, (*Gateway).serveConsole},
	"/login":                            {http.MethodGet, (*Gateway).serveLogin},
	"/callback":                         {http.MethodGet, (*Gateway).serveCallback},
	"/logout":                           {http.MethodPost, (*Gateway).serveLogout},
	"/sessions":                         {http.MethodPost, (*Gateway).serveEnter},
	"/exit":                             {http.MethodPost, (*Gateway).serveExit},
	"/enter":                            {http.MethodGet, (*Gateway).serveTicket},
	"/go":                               {http.MethodPost, (*Gateway).serveGo},
	"/requests":                         {http.MethodPost, (*Gateway).serveRequests},
	"/jwks.json":                        {http.MethodGet, (*Gateway).serveJWKS},
	"/.well-known/openid-configuration": {http.MethodGet, (*Gateway).serveDiscovery},
}

// serveOwn serves Lockbox's routes; nothing under the prefix reaches the app.
func (g *Gateway) serveOwn(w http.ResponseWriter, r *http.Request, path string) {
	if g.onTenantHost(r) && !tenantHostRoutes[path] {
		g.toLoginHost(w, r)
		return
	}
	if h, ok := g.mounted(path); ok && h != nil {
		h.ServeHTTP(w, r)
		return
	}
	rt, ok := routes[path]
	if !ok || (path == "/requests" && g.d.Requests == nil) {
		g.notFound(w)
		return
	}
	if r.Method != rt.method && !(rt.method == http.MethodGet && r.Method == http.MethodHead) {
		w.Header().Set("Allow", rt.method)
		pages.RenderError(w, pages.Error{Status: http.StatusMethodNotAllowed, Title: "Method not allowed", Message: "This Lockbox page does not take " + r.Method + " requests."})
		return
	}
	rt.serve(g, w, r)
}

// mounted returns the handler of the page or API that path (relative to
// the prefix) belongs to, if it is one of theirs; the handler is nil when
// that part is not configured.
func (g *Gateway) mounted(path string) (http.Handler, bool) {
	switch {
	case under(path, "/admin"):
		return g.d.AdminPage, true
	case under(path, "/api/v1"):
		return g.d.API, true
	case path == "/ready":
		return g.d.Ops.Ready, true
	}
	return nil, false
}

// under reports whether path is base or below it.
func under(path, base string) bool {
	rest, ok := strings.CutPrefix(path, base)
	return ok && (rest == "" || rest[0] == '/')
}

func (g *Gateway) notFound(w http.ResponseWriter) {
	pages.RenderError(w, pages.Error{Status: http.StatusNotFound, Title: "Not found", Message: "There is no such Lockbox page.", Links: []pages.Link{g.consoleLink()}})
}

func (g *Gateway) serveConsoleRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, g.cfg.Prefix+"/", http.StatusSeeOther)
}

func (g *Gateway) serveLogin(w http.ResponseWriter, r *http.Request) {
	if !g.loginAllowed(w, r) {
		return
	}
	err := g.d.Login.Begin(r.Context(), w, r, g.callbackURL(r), r.URL.Query().Get("return_to"))
	if err != nil {
		g.loginFailed(w, r, err)
	}
}

func (g *Gateway) serveCallback(w http.ResponseWriter, r *http.Request) {
	old, _ := g.agent(r.Context(), r) // the login this one replaces, if any
	res, err := g.d.Login.Finish(r.Context(), w, r, g.callbackURL(r))
	g.d.Ops.Metrics.Login(loginOutcome(err))
	if err != nil {
		// Anyone can send a callback: each refused one spends a login of
		// the client's, so forged ones cannot flood the logins chain.
		if !g.loginAllowed(w, r) {
			return
		}
		g.loginRefusedRecorded(r, problem.As(err).Code)
		g.loginFailed(w, r, err)
		return
	}
	if !g.loginRecorded(w, r, res) {
		return
	}
	if old != nil {
		g.replaced(r, old)
	}
	http.Redirect(w, r, res.ReturnTo, http.StatusSeeOther)
}

// replaced finishes a login that a new one replaced: Finish deleted its
// record, but caches on every instance may still hold it, and the session
// it was in would stay open.
func (g *Gateway) replaced(r *http.Request, old *login.AgentSession) {
	g.forgetAgent(r.Context(), old.ID)
	if err := g.endCurrent(r.Context(), old, store.SessionLogout); err != nil {
		g.d.Logger.Error("ending the session of a replaced login", zap.Error(err))
	}
}

// callbackURL is the absolute URL of /callback, which must match a
// redirect URI registered at the identity provider. It comes from the
// configured issuer; the request's Host is used only when none is set.
func (g *Gateway) callbackURL(r *http.Request) string {
	if g.cfg.Issuer != "" {
		return strings.TrimSuffix(g.cfg.Issuer, "/") + "/callback"
	}
	u := url.URL{Scheme: "http", Host: r.Host, Path: g.cfg.Prefix + "/callback"}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
}

// loginFailed shows why a login could not start or finish. Refusals are
// logged at warn (a forged or replayed state is worth knowing about),
// failures of Lockbox itself at error, each with its underlying cause
// (the login package keeps tokens and codes out of causes).
func (g *Gateway) loginFailed(w http.ResponseWriter, r *http.Request, err error) {
	p := problem.As(err)
	status := problem.Status(err)
	fields := []zap.Field{zap.String("code", p.Code), zap.Error(err)}
	if p.Cause != nil {
		fields = append(fields, zap.String("cause", p.Cause.Error()))
	}
	switch {
	case status >= 500 && !errors.Is(err, login.ErrIdPUnavailable):
		g.d.Logger.Error("agent login failed", fields...)
	default:
		g.d.Logger.Warn("agent login refused", fields...)
	}
	title, msg := "Login failed", p.Message
	switch {
	case errors.Is(err, login.ErrIdPUnavailable):
		title, msg = "Sign-in is unavailable", "Lockbox cannot reach your company's sign-in service right now. Try again in a minute."
	case errors.Is(err, login.ErrNoRole):
		title = "No support role"
	case status >= 500:
		msg = "Lockbox could not complete the login. Try again in a minute."
	}
	pages.RenderError(w, pages.Error{Status: status, Title: title, Message: msg, Links: []pages.Link{{Label: "Try again", URL: g.cfg.Prefix + "/login"}}})
}

func (g *Gateway) serveJWKS(w http.ResponseWriter, r *http.Request) {
	b, err := g.d.Keys.JWKS()
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	writeJSON(w, b, "public, max-age=60")
}

func (g *Gateway) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, token.Discovery(g.cfg.Issuer), "public, max-age=300")
}

func writeJSON(w http.ResponseWriter, b []byte, cache string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", cache)
	_, _ = w.Write(b)
}
