package gateway

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// signedIn returns the agent, or answers the request itself: a redirect
// to login for pages, a refusal for forms, a 503 when the store is down.
func (g *Gateway) signedIn(w http.ResponseWriter, r *http.Request) (*login.AgentSession, bool) {
	ags, err := g.agent(r.Context(), r)
	switch {
	case errors.Is(err, login.ErrNoSession):
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Redirect(w, r, g.cfg.Prefix+"/login?return_to="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil, false
		}
		g.notSignedIn(w)
		return nil, false
	case err != nil:
		g.unavailable(w, r, err)
		return nil, false
	}
	return ags, true
}

func (g *Gateway) notSignedIn(w http.ResponseWriter) {
	pages.RenderError(w, pages.Error{Status: http.StatusUnauthorized, Title: "Not signed in", Message: "Your Lockbox login has ended. Sign in again.", Links: []pages.Link{{Label: "Sign in", URL: g.cfg.Prefix + "/login"}}})
}

// formFailed answers a console form whose change to the agent's session
// did not go through: another tab changed the session first (409), the
// login ended meanwhile (401), or the store is down.
func (g *Gateway) formFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, login.ErrNoSession):
		g.notSignedIn(w)
	case problem.As(err).Kind == problem.Conflict:
		pages.RenderError(w, pages.Error{Status: http.StatusConflict, Title: "Changed in another tab", Message: "Your Lockbox console changed in another tab or window, so this was not done. Reload the console and try again.", Links: []pages.Link{g.consoleLink()}})
	default:
		g.unavailable(w, r, err)
	}
}

// formOK checks a console form: same origin and the session's CSRF token.
func (g *Gateway) formOK(w http.ResponseWriter, r *http.Request, ags *login.AgentSession) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if !websession.SameOrigin(r) || r.ParseForm() != nil || !login.CSRFValid(ags, r.PostForm.Get("csrf")) {
		g.formRefused(w, r)
		return false
	}
	return true
}

// formRefused answers a console form from another origin or without the
// session's CSRF token.
func (g *Gateway) formRefused(w http.ResponseWriter, _ *http.Request) {
	pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: "Form refused", Message: "This form did not come from your Lockbox console. Reload the console and try again.", Links: []pages.Link{g.consoleLink()}})
}

func (g *Gateway) serveConsole(w http.ResponseWriter, r *http.Request) {
	ags, ok := g.signedIn(w, r)
	if !ok {
		return
	}
	c, err := g.consoleView(r.Context(), ags)
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	pages.Render(pages.FormsTo(w, g.tenantFormTargets()), "console.html", c)
}

// consoleView gathers what the agent's console shows.
func (g *Gateway) consoleView(ctx context.Context, ags *login.AgentSession) (pages.Console, error) {
	grants, err := g.d.Grants.Active(ctx)
	if err != nil {
		return pages.Console{}, err
	}
	mine, err := g.myRequests(ctx, ags)
	if err != nil {
		return pages.Console{}, err
	}
	c := pages.Console{Prefix: g.cfg.Prefix, Agent: ags.Agent, Roles: ags.Roles, CSRF: ags.CSRF, Now: g.now(), BreakGlass: g.breakGlassLimit(ags), MaxReason: MaxBreakGlassReason}
	for _, gr := range grants {
		c.Tenants = append(c.Tenants, pages.TenantRow{
			Tenant: gr.Tenant, Address: g.tenantAddress(gr.Tenant), Scopes: scope.Intersect(gr.Scopes, ags.Scopes),
			GrantedBy: displayActor(gr.CreatedBy), ExpiresAt: gr.ExpiresAt, Note: gr.Note,
			Extend: g.extendForm(gr, mine, c.Now),
		})
	}
	c.Requests = g.requestRows(mine, grants, c.Now)
	c.Ask = g.askForm(ags)
	if imp := ags.Impersonation; imp != nil {
		if s, err := g.session(ctx, imp.Tenant, imp.Session); err == nil && !s.Ended() {
			c.Current = s
			c.Open, c.OpenByTicket = g.openApp(s.Tenant)
		}
	}
	return c, nil
}

// serveEnter starts an impersonation session in the tenant named by the
// form, if the tenant has an active grant, or by break-glass when the
// form asks for it (break_glass).
func (g *Gateway) serveEnter(w http.ResponseWriter, r *http.Request) {
	ags, ok := g.signedIn(w, r)
	if !ok || !g.formOK(w, r, ags) {
		return
	}
	if r.PostForm.Has("break_glass") {
		g.serveBreakGlass(w, r, ags)
		return
	}
	t := r.PostForm.Get("tenant")
	if err := tenant.Validate(t); err != nil {
		pages.RenderError(w, pages.Error{Status: http.StatusBadRequest, Title: "Unknown tenant", Message: problem.As(err).Message, Links: []pages.Link{g.consoleLink()}})
		return
	}
	// Entering is rare, and a cached answer may lag a grant just given.
	gr, found, err := g.storedGrant(r.Context(), t)
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	if !found {
		g.noGrant(w, r, ags, t)
		return
	}
	g.switchTo(w, r, ags, func(ctx context.Context) (*store.Session, error) {
		return g.startSession(ctx, ags, gr)
	})
}

// switchTo ends the agent's current session, starts the next one and
// puts the agent into it, then sends the agent to the landing page.
func (g *Gateway) switchTo(w http.ResponseWriter, r *http.Request, ags *login.AgentSession, start func(context.Context) (*store.Session, error)) {
	ctx := r.Context()
	if err := g.endCurrent(ctx, ags, store.SessionExit); err != nil {
		g.unavailable(w, r, err)
		return
	}
	s, err := start(ctx)
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	if err := g.setImpersonation(ctx, ags, &login.Impersonation{Tenant: s.Tenant, Session: s.ID}); err != nil {
		// The agent is not in the new session (another tab won, or the
		// login ended): end it, or it would stay open in the audit forever.
		if _, eerr := g.endSession(context.WithoutCancel(ctx), s, store.SessionExit); eerr != nil {
			g.d.Logger.Error("ending an impersonation session the agent never got", zap.String("session", s.ID), zap.Error(eerr))
		}
		g.formFailed(w, r, err)
		return
	}
	g.land(w, r, ags, s)
}

// noGrant refuses entry to a tenant without a grant, and audits it there.
func (g *Gateway) noGrant(w http.ResponseWriter, r *http.Request, ags *login.AgentSession, t string) {
	d := policy.Decision{Code: "no_grant", Message: t + " has not granted support access. Ask the tenant's admin to grant it."}
	g.refuse(w, r, &store.Session{Tenant: t, Agent: ags.Agent}, http.StatusForbidden, d)
}

func (g *Gateway) serveExit(w http.ResponseWriter, r *http.Request) {
	ags, ok := g.signedIn(w, r)
	if !ok || !g.formOK(w, r, ags) {
		return
	}
	if err := g.leave(r, ags, store.SessionExit); err != nil {
		g.formFailed(w, r, err)
		return
	}
	http.Redirect(w, r, g.cfg.Prefix+"/", http.StatusSeeOther)
}

func (g *Gateway) serveLogout(w http.ResponseWriter, r *http.Request) {
	ags, ok := g.signedIn(w, r)
	if !ok || !g.formOK(w, r, ags) {
		return
	}
	if err := g.leave(r, ags, store.SessionLogout); err != nil {
		g.formFailed(w, r, err)
		return
	}
	if err := g.recordLogin(r.Context(), EventAgentLogout, &ags.Agent, loginData{}); err != nil {
		g.unavailable(w, r, err)
		return
	}
	err := g.d.Login.Sessions().Destroy(r.Context(), w, r)
	g.forgetAgent(r.Context(), ags.ID)
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	pages.RenderError(w, pages.Error{Status: http.StatusOK, Title: "Signed out", Message: "You are signed out of Lockbox.", Links: []pages.Link{{Label: "Sign in again", URL: g.cfg.Prefix + "/login"}}})
}

// leave ends the agent's current session, if any, for reason.
func (g *Gateway) leave(r *http.Request, ags *login.AgentSession, reason string) error {
	if ags.Impersonation == nil {
		return nil
	}
	if err := g.endCurrent(r.Context(), ags, reason); err != nil {
		return err
	}
	return g.setImpersonation(r.Context(), ags, nil)
}

// endCurrent ends the session the agent is in, if it is still open.
func (g *Gateway) endCurrent(ctx context.Context, ags *login.AgentSession, reason string) error {
	imp := ags.Impersonation
	if imp == nil {
		return nil
	}
	s, err := g.session(ctx, imp.Tenant, imp.Session)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	case s.Ended():
		return nil
	}
	_, err = g.endSession(ctx, s, reason)
	return err
}
