package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/token"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// route is one of Lockbox's own endpoints; path is relative to the
// prefix, in http.ServeMux pattern syntax.
type route struct {
	method string
	path   string
	serve  func(*Gateway, http.ResponseWriter, *http.Request)
}

var routes = []route{
	{http.MethodGet, "", (*Gateway).serveConsoleRedirect},
	{http.MethodGet, "/{$}", (*Gateway).serveConsole},
	{http.MethodGet, "/login", (*Gateway).serveLogin},
	{http.MethodGet, "/callback", (*Gateway).serveCallback},
	{http.MethodPost, "/logout", (*Gateway).serveLogout},
	{http.MethodPost, "/sessions", (*Gateway).serveEnter},
	{http.MethodPost, "/exit", (*Gateway).serveExit},
	{http.MethodGet, "/enter", (*Gateway).serveTicket},
	{http.MethodPost, "/go", (*Gateway).serveGo},
	{http.MethodPost, "/requests", (*Gateway).serveRequests},
	{http.MethodGet, "/jwks.json", (*Gateway).serveJWKS},
	{http.MethodGet, "/.well-known/openid-configuration", (*Gateway).serveDiscovery},
}

// validPrefix is a prefix that is safe to put in a ServeMux pattern.
var validPrefix = regexp.MustCompile(`^(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$`)

// newRoutes returns the handler of Lockbox's routes under the prefix;
// nothing under the prefix reaches the app. A GET route also answers
// HEAD; another method gets a 405 page naming the one it takes. The
// hosted page and the API get their whole subtree, and everything else,
// or a part that is not configured, Lockbox's 404 page. The console's
// forms are behind websession.CrossOrigin, then their CSRF token.
func (g *Gateway) newRoutes() (http.Handler, error) {
	prefix := g.cfg.Prefix
	if !validPrefix.MatchString(prefix) {
		return nil, fmt.Errorf("gateway: prefix %q must be an absolute path of letters, digits, '.', '_', '~' or '-'", prefix)
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		if rt.path == "/requests" && g.d.Requests == nil {
			continue
		}
		var serve http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rt.serve(g, w, r) })
		if rt.method == http.MethodPost { // every POST is a console form
			serve = websession.CrossOrigin(serve, http.HandlerFunc(g.formRefused))
		}
		mux.Handle(rt.method+" "+prefix+rt.path, serve)
		mux.HandleFunc(prefix+rt.path, func(w http.ResponseWriter, r *http.Request) { methodNotAllowed(w, r, rt.method) })
	}
	mount(mux, prefix+"/admin", g.d.AdminPage)
	mount(mux, prefix+"/api/v1", g.d.API)
	if g.d.Ops.Ready != nil {
		mux.Handle(prefix+"/ready", g.d.Ops.Ready)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { g.notFound(w) })
	return mux, nil
}

// mount routes base and everything below it to h, if h is configured.
func mount(mux *http.ServeMux, base string, h http.Handler) {
	if h == nil {
		return
	}
	mux.Handle(base, h)
	mux.Handle(base+"/", h)
}

// methodNotAllowed answers a request to a route that takes another method.
func methodNotAllowed(w http.ResponseWriter, r *http.Request, method string) {
	w.Header().Set("Allow", method)
	pages.RenderError(w, pages.Error{Status: http.StatusMethodNotAllowed, Title: "Method not allowed", Message: "This Lockbox page does not take " + r.Method + " requests."})
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
	u := url.URL{Scheme: websession.Scheme(r), Host: r.Host, Path: g.cfg.Prefix + "/callback"}
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
