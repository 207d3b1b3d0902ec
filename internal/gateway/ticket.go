package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Tickets hand an agent from the login host to a tenant host.
const (
	// TicketTTL is how long a ticket may be spent after it is issued.
	TicketTTL = 60 * time.Second
	// ticketKeep is how long a ticket's record is kept, spent or not, so
	// a late replay is still recognised and audited.
	ticketKeep = 10 * time.Minute
	kindTicket = "ticket"
	// ticketLen is the length of rand.Text: 26 base32 characters, 130
	// random bits.
	ticketLen = 26
)

// Refusal codes of tickets, audited as access.denied reasons.
const (
	CodeTicketReplayed   = "ticket_replayed"
	CodeTicketExpired    = "ticket_expired"
	CodeTicketWrongHost  = "ticket_wrong_host"
	CodeTicketWrongStart = "ticket_session_changed"
)

// ticket is what a ticket stands for: one agent session in one
// impersonation session, to be spent once on one tenant host.
type ticket struct {
	Agent     string      `json:"agent"` // the agent session's store id
	Who       store.Agent `json:"who"`
	Tenant    string      `json:"tenant"`
	Session   string      `json:"session"`
	Grant     string      `json:"grant"`
	Host      string      `json:"host"`
	ExpiresAt time.Time   `json:"expires_at"`
	Spent     bool        `json:"spent,omitempty"`
}

var (
	errTicketUnknown = errors.New("no such ticket")
	errTicketSpent   = errors.New("ticket already spent")
)

// tenantHostRoutes are the routes a tenant host serves itself; the rest
// of Lockbox's pages live on the login host.
var tenantHostRoutes = map[string]bool{"/enter": true, "/jwks.json": true, "/.well-known/openid-configuration": true}

// land sends an agent who just entered s to the tenant's landing page:
// under the tenant's path, or on the tenant's host through a ticket.
func (g *Gateway) land(w http.ResponseWriter, r *http.Request, ags *login.AgentSession, s *store.Session) {
	switch {
	case g.tenants == nil:
		http.Redirect(w, r, g.cfg.Landing, http.StatusSeeOther)
		return
	case !g.tenants.byHost():
		http.Redirect(w, r, g.tenants.landing(s.Tenant, g.cfg.Landing), http.StatusSeeOther)
		return
	}
	value, err := g.issueTicket(r.Context(), ags, s)
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, g.tenantURL(s.Tenant, g.cfg.Prefix+"/enter?ticket="+value), http.StatusSeeOther)
}

// tenantURL is the absolute URL of path on tenant t's host, over the
// login host's scheme.
func (g *Gateway) tenantURL(t, path string) string {
	scheme := "https"
	if u, err := url.Parse(g.cfg.Issuer); err == nil && u.Scheme != "" {
		scheme = u.Scheme
	}
	return scheme + "://" + g.tenants.hostOf(t) + path
}

// issueTicket stores a fresh ticket for s on its tenant's host.
func (g *Gateway) issueTicket(ctx context.Context, ags *login.AgentSession, s *store.Session) (string, error) {
	value := rand.Text()
	tk := ticket{Agent: ags.ID, Who: s.Agent, Tenant: s.Tenant, Session: s.ID, Grant: s.Grant,
		Host: g.tenants.hostOf(s.Tenant), ExpiresAt: g.now().Add(TicketTTL)}
	raw, _ := json.Marshal(tk) // plain structs always encode
	ok, err := g.d.Store.CreateRecord(ctx, kindTicket, ticketID(value), raw, ticketKeep)
	if err != nil {
		return "", problem.Store(err)
	}
	if !ok {
		return "", problem.Store(errors.New("ticket id already exists"))
	}
	return value, nil
}

// ticketID is a ticket's store id: the store never holds a live ticket.
func ticketID(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

// spendTicket marks the ticket spent, once across all instances, and
// returns it. A ticket spent before is returned with errTicketSpent, so
// the replay can be audited in its tenant.
func (g *Gateway) spendTicket(ctx context.Context, value string) (*ticket, error) {
	if !wellFormedTicket(value) {
		return nil, errTicketUnknown
	}
	id := ticketID(value)
	raw, err := g.d.Store.GetRecord(ctx, kindTicket, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, errTicketUnknown
	case err != nil:
		return nil, problem.Store(err)
	}
	var tk ticket
	if err := json.Unmarshal(raw, &tk); err != nil || tk.Tenant == "" {
		return nil, errTicketUnknown
	}
	if tk.Spent {
		return &tk, errTicketSpent
	}
	spent := tk
	spent.Spent = true
	v, _ := json.Marshal(spent)
	ok, err := g.d.Store.SwapRecord(ctx, kindTicket, id, raw, v, ticketKeep)
	switch {
	case err != nil:
		return nil, problem.Store(err)
	case !ok: // spent meanwhile, perhaps on another instance
		return &tk, errTicketSpent
	}
	return &tk, nil
}

// wellFormedTicket reports whether value has the form of rand.Text, so
// garbage never reaches the store.
func wellFormedTicket(value string) bool {
	if len(value) != ticketLen {
		return false
	}
	for i := range len(value) {
		if c := value[i]; !('A' <= c && c <= 'Z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}

// serveTicket spends a ticket on a tenant host and gives the browser that
// host's own session cookie for the ticket's impersonation session.
func (g *Gateway) serveTicket(w http.ResponseWriter, r *http.Request) {
	if !g.onTenantHost(r) {
		g.notFound(w)
		return
	}
	if r.Method != http.MethodGet { // a HEAD must not spend the ticket
		w.Header().Set("Allow", http.MethodGet)
		g.badTicket(w, http.StatusMethodNotAllowed, "Open this link in your browser.")
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	t, named, err := g.tenants.of(r)
	if err != nil || !named {
		g.badTicket(w, http.StatusBadRequest, "This is not one of the site's tenant addresses.")
		return
	}
	tk, err := g.spendTicket(r.Context(), r.URL.Query().Get("ticket"))
	switch {
	case errors.Is(err, errTicketUnknown):
		g.d.Logger.Warn("unknown agent ticket refused", zap.String("host", r.Host))
		g.badTicket(w, http.StatusForbidden, "This link to enter a tenant is not valid. Enter the tenant again from the console.")
		return
	case errors.Is(err, errTicketSpent):
		g.refuseTicket(w, r, tk, CodeTicketReplayed, "This link to enter "+tk.Tenant+" was used already. Enter the tenant again from the console.")
		return
	case err != nil:
		g.unavailable(w, r, err)
		return
	}
	if !g.ticketFits(w, r, tk, t) {
		return
	}
	g.admitTicket(w, r, tk, t)
}

// ticketFits refuses, and audits, a ticket spent too late or on a host
// other than its tenant's.
func (g *Gateway) ticketFits(w http.ResponseWriter, r *http.Request, tk *ticket, t string) bool {
	switch {
	case !g.now().Before(tk.ExpiresAt):
		g.refuseTicket(w, r, tk, CodeTicketExpired, "This link to enter "+tk.Tenant+" has expired. Enter the tenant again from the console.")
		return false
	case tk.Host != r.Host || tk.Tenant != t:
		g.refuseTicket(w, r, tk, CodeTicketWrongHost, "This link to enter "+tk.Tenant+" was opened on another tenant's address, so it was not used.")
		return false
	}
	return true
}

// admitTicket checks that the agent is still in the ticket's session
// and sets the host's cookie.
func (g *Gateway) admitTicket(w http.ResponseWriter, r *http.Request, tk *ticket, t string) {
	ctx := r.Context()
	ags, err := g.agentByID(ctx, r, tk.Agent)
	switch {
	case errors.Is(err, login.ErrNoSession):
		g.notSignedIn(w)
		return
	case err != nil:
		g.unavailable(w, r, err)
		return
	}
	if ags.Impersonation == nil || ags.Impersonation.Session != tk.Session {
		g.refuseTicket(w, r, tk, CodeTicketWrongStart, "You left this support session in "+tk.Tenant+" after this link was made. Enter the tenant again from the console.")
		return
	}
	sess, err := g.session(ctx, tk.Tenant, tk.Session)
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	if sess.Ended() {
		g.sessionOver(w, r, sess)
		return
	}
	_, err = g.d.Login.Sessions().IssueHostPass(ctx, w, r, login.HostPass{
		Agent: ags.ID, Host: r.Host, Tenant: t, Session: sess.ID, ExpiresAt: ags.ExpiresAt,
	})
	if err != nil {
		g.loginFailed(w, r, err)
		return
	}
	http.Redirect(w, r, g.cfg.Landing, http.StatusSeeOther)
}

// refuseTicket refuses a ticket and audits it in the ticket's tenant.
func (g *Gateway) refuseTicket(w http.ResponseWriter, r *http.Request, tk *ticket, code, msg string) {
	s := &store.Session{ID: tk.Session, Tenant: tk.Tenant, Grant: tk.Grant, Agent: tk.Who}
	g.refuse(w, r, s, http.StatusForbidden, policy.Decision{Code: code, Message: msg})
}

func (g *Gateway) badTicket(w http.ResponseWriter, status int, msg string) {
	pages.RenderError(w, pages.Error{Status: status, Title: "Cannot enter the tenant", Message: msg, Links: []pages.Link{g.consoleLink()}})
}

// toLoginHost sends a request for Lockbox's pages on a tenant host to
// the login host, where they live.
func (g *Gateway) toLoginHost(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		g.notFound(w)
		return
	}
	scheme := "https"
	if u, err := url.Parse(g.cfg.Issuer); err == nil && u.Scheme != "" {
		scheme = u.Scheme
	}
	http.Redirect(w, r, scheme+"://"+g.tenants.loginHost+r.URL.RequestURI(), http.StatusSeeOther)
}

// tenantAddress is where tenant t's app lives, for the console: its host
// or its path; "" when the site does not name tenants so.
func (g *Gateway) tenantAddress(t string) string {
	switch {
	case g.tenants == nil:
		return ""
	case g.tenants.byHost():
		return g.tenantURL(t, "/")
	}
	return g.tenants.landing(t, "/")
}

// openApp is where the console's "Open the app" leads for tenant t, and
// whether it takes a ticket to the tenant's host.
func (g *Gateway) openApp(t string) (string, bool) {
	switch {
	case g.tenants == nil:
		return "/", false
	case g.tenants.byHost():
		return "", true
	}
	return g.tenants.landing(t, "/"), false
}

// serveGo hands the agent back to the current tenant's host with a fresh
// ticket, for a browser or window that has no cookie there yet.
func (g *Gateway) serveGo(w http.ResponseWriter, r *http.Request) {
	ags, ok := g.signedIn(w, r)
	if !ok || !g.formOK(w, r, ags) {
		return
	}
	imp := ags.Impersonation
	if imp == nil || g.tenants == nil || !g.tenants.byHost() {
		http.Redirect(w, r, g.cfg.Prefix+"/", http.StatusSeeOther)
		return
	}
	s, err := g.session(r.Context(), imp.Tenant, imp.Session)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		g.unavailable(w, r, err)
		return
	}
	if err != nil || s.Ended() {
		http.Redirect(w, r, g.cfg.Prefix+"/", http.StatusSeeOther)
		return
	}
	g.land(w, r, ags, s)
}

// tenantFormTargets is the CSP source of the tenant hosts, where the
// console's Enter forms lead; "" unless tenants are named by host.
func (g *Gateway) tenantFormTargets() string {
	if g.tenants == nil || !g.tenants.byHost() {
		return ""
	}
	return g.tenantURL("*", "")
}
