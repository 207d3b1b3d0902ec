package gateway

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
	"github.com/lockbox-gw/lockbox/internal/words"
)

// EventBreakGlassUsed is audited when an agent enters a tenant without a
// grant, next to its session.started.
const EventBreakGlassUsed = "breakglass.used"

// MaxBreakGlassReason is the most characters a break-glass reason has.
const MaxBreakGlassReason = 500

// codeNoBreakGlass is the access.denied reason of an agent whose roles
// allow no break-glass entry.
const codeNoBreakGlass = "no_break_glass"

type breakGlassData struct {
	Reason string    `json:"reason"`
	Scopes []string  `json:"scopes"`
	EndsAt time.Time `json:"ends_at"`
}

// serveBreakGlass enters the form's tenant without a grant, for an agent
// whose roles allow it, with the reason the agent typed.
func (g *Gateway) serveBreakGlass(w http.ResponseWriter, r *http.Request, ags *login.AgentSession) {
	t := r.PostForm.Get("tenant")
	if err := tenant.Validate(t); err != nil {
		g.badForm(w, "Unknown tenant", problem.As(err).Message)
		return
	}
	if ags.BreakGlass <= 0 {
		d := policy.Decision{Code: codeNoBreakGlass, Message: "None of your roles allows emergency (break-glass) access."}
		g.refuse(w, r, &store.Session{Tenant: t, Agent: ags.Agent}, http.StatusForbidden, d)
		return
	}
	reason, why := breakGlassReason(r.PostForm)
	if why != "" {
		g.badForm(w, "Reason needed", why)
		return
	}
	g.switchTo(w, r, ags, func(ctx context.Context) (*store.Session, error) {
		return g.startBreakGlass(ctx, ags, t, reason)
	})
}

func (g *Gateway) badForm(w http.ResponseWriter, title, msg string) {
	pages.RenderError(w, pages.Error{Status: http.StatusBadRequest, Title: title, Message: msg, Links: []pages.Link{g.consoleLink()}})
}

// breakGlassReason reads the form's one reason: trimmed, not empty, at
// most MaxBreakGlassReason characters, one line with no control
// characters, so it reads the same in the audit, emails and pages. A
// reason refused comes back "" with why, in words for the agent.
func breakGlassReason(f url.Values) (reason, why string) {
	if len(f["reason"]) > 1 {
		return "", "The form sent more than one reason."
	}
	reason = strings.TrimSpace(f.Get("reason"))
	switch {
	case reason == "":
		return "", "Emergency access needs a reason: say why you must enter without the tenant's consent."
	case !utf8.ValidString(reason):
		return "", "The reason is not valid text."
	case utf8.RuneCountInString(reason) > MaxBreakGlassReason:
		return "", fmt.Sprintf("The reason is too long: write at most %d characters.", MaxBreakGlassReason)
	case strings.IndexFunc(reason, words.Unprintable) >= 0:
		return "", "The reason must be one line: no line breaks, tabs or other control characters."
	}
	return reason, ""
}

// startBreakGlass puts the agent into tenant t with no grant: the scopes
// are the agent's roles' and the session lasts the roles' break-glass
// limit (within the session maximum). Both session.started and
// breakglass.used are written before the agent can use the session.
func (g *Gateway) startBreakGlass(ctx context.Context, ags *login.AgentSession, t, reason string) (*store.Session, error) {
	now := g.now()
	ends := now.Add(min(ags.BreakGlass, g.cfg.SessionMax))
	s := &store.Session{
		ID: "s_" + rand.Text(), Tenant: t, Agent: ags.Agent, Roles: ags.Roles, Scopes: slices.Clone(ags.Scopes),
		BreakGlass: true, Reason: reason, StartedAt: now, EndsAt: ends, LastSeen: now,
	}
	if err := g.d.Store.PutSession(ctx, *s); err != nil {
		return nil, problem.Store(err)
	}
	events := []store.Event{
		sessionEvent(EventSessionStarted, s, now, startedData{Scopes: s.Scopes, Roles: s.Roles, EndsAt: ends}),
		sessionEvent(EventBreakGlassUsed, s, now, breakGlassData{Reason: reason, Scopes: s.Scopes, EndsAt: ends}),
	}
	for _, e := range events {
		if err := g.d.Audit.RecordSync(ctx, t, e); err != nil {
			// Unaudited, the session must not be used.
			_, _ = g.d.Store.EndSession(context.WithoutCancel(ctx), t, s.ID, now, store.SessionExit)
			return nil, problem.Store(err)
		}
	}
	return s, nil
}

// breakGlassLimit words the agent's break-glass limit for the console;
// "" when the agent has none.
func (g *Gateway) breakGlassLimit(ags *login.AgentSession) string {
	if ags.BreakGlass <= 0 {
		return ""
	}
	return grant.FormatDuration(min(ags.BreakGlass, g.cfg.SessionMax))
}
