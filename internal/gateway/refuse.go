package gateway

import (
	"context"
	"fmt"
	"net/http"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func (g *Gateway) consoleLink() pages.Link {
	return pages.Link{Label: "Back to the console", URL: g.cfg.Prefix + "/"}
}

// refuse shows why an agent request was refused and audits it.
func (g *Gateway) refuse(w http.ResponseWriter, r *http.Request, s *store.Session, status int, d policy.Decision) {
	if err := g.recordDenied(r, s, status, d); err != nil {
		g.unavailable(w, r, err)
		return
	}
	g.deniedDecision(r, s, d.Code)
	title := "Not allowed with support access"
	if d.Code == policy.CodeReadOnly {
		title = "Read-only access"
	}
	pages.RenderError(w, pages.Error{Status: status, Title: title, Message: d.Message, Links: []pages.Link{g.consoleLink()}})
}

// sessionOver tells the agent the session in a tenant has ended and why.
func (g *Gateway) sessionOver(w http.ResponseWriter, r *http.Request, s *store.Session) {
	d := policy.Decision{Code: "session_ended", Message: "The session has ended: " + s.EndReason + "."}
	if err := g.recordDenied(r, s, http.StatusForbidden, d); err != nil {
		g.unavailable(w, r, err)
		return
	}
	g.deniedDecision(r, s, "session_"+s.EndReason)
	msg := fmt.Sprintf("Your support session in %s has ended.", s.Tenant)
	title := "Support session ended"
	switch s.EndReason {
	case store.SessionRevoked:
		title = "Access revoked"
		msg = fmt.Sprintf("%s revoked support access, so your session ended%s.", s.Tenant, g.revokedDetail(r.Context(), s))
	case store.SessionReplaced:
		title = "Access replaced"
		msg = fmt.Sprintf("%s replaced support access with a new grant, so your session ended%s. Enter %s again from the console to work under the new grant.",
			s.Tenant, g.revokedDetail(r.Context(), s), s.Tenant)
	case store.SessionExpired:
		title = "Access expired"
		msg = fmt.Sprintf("The support access %s granted has expired, so your session ended.", s.Tenant)
	case store.SessionIdle:
		msg = fmt.Sprintf("Your session in %s ended after %s without activity.", s.Tenant, g.cfg.IdleTimeout)
	case store.SessionMax:
		msg = fmt.Sprintf("Your session in %s reached its time limit.", s.Tenant)
	case store.SessionExit, store.SessionLogout:
		msg = fmt.Sprintf("You left %s.", s.Tenant)
	}
	pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: title, Message: msg, Links: []pages.Link{g.consoleLink()}})
}

// revokedDetail says when and by whom the session's grant ended, and the
// reason the admin gave, when the store can tell.
func (g *Gateway) revokedDetail(ctx context.Context, s *store.Session) string {
	gr, err := g.d.Store.GetGrant(ctx, s.Tenant, s.Grant)
	if err != nil || gr.EndedAt == nil {
		return ""
	}
	by := ""
	if gr.EndedBy != nil {
		by = " by " + displayActor(*gr.EndedBy)
	}
	how := "revoked"
	if gr.EndReason == store.EndReplaced {
		how = "replaced with a new grant"
	}
	detail := fmt.Sprintf(" (the grant was %s at %s%s", how, gr.EndedAt.UTC().Format("2006-01-02 15:04 UTC"), by)
	if gr.EndNote != "" { // checked as one printable line when given
		detail += fmt.Sprintf(`, saying "%s"`, gr.EndNote)
	}
	return detail + ")"
}

func displayActor(a store.Actor) string {
	if a.Email != "" {
		return a.Email
	}
	return a.ID
}

// unavailable answers an agent request Lockbox cannot check: the store is
// down (503, fail closed) or something broke (500). The cause is logged,
// never shown.
func (g *Gateway) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	p := problem.As(err)
	g.unavailableDecision(r, err)
	if p.Kind == problem.Unavailable {
		g.cache.distrust()
	}
	status := problem.Status(err)
	if status < 500 {
		status = http.StatusServiceUnavailable
	}
	g.d.Logger.Error("agent request refused: lockbox cannot check it",
		zap.String("method", r.Method), zap.String("uri", r.RequestURI), zap.String("code", p.Code), zap.Error(err))
	msg := "Lockbox cannot reach its store right now, so it cannot check your access. Nothing was sent to the app. Try again in a minute."
	if p.Kind != problem.Unavailable {
		msg = "Lockbox could not check your access because of an internal error. Nothing was sent to the app. Try again, and tell your Lockbox operators if it persists."
	}
	pages.RenderError(w, pages.Error{Status: status, Title: "Support access is paused", Message: msg, Links: []pages.Link{g.consoleLink()}})
}
