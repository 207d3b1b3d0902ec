package gateway

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
)

// Refusal codes of tenant_from, audited as access.denied reasons.
const (
	CodeWrongTenant    = "wrong_tenant"
	CodeNoTenant       = "no_tenant"
	CodeBadTenantAddr  = "bad_tenant_address"
	CodeSessionChanged = "session_changed"
)

// tenants is a site's tenant_from state: how requests name tenants, and
// the host passes this instance has read.
type tenants struct {
	*tenantFrom
	mu     sync.Mutex
	passes map[string]*login.HostPass // by pass id; passes never change
}

func newTenants(tf *TenantFrom, issuer string) (*tenants, error) {
	if tf == nil {
		return nil, nil
	}
	c, err := tf.compile(issuer)
	if err != nil {
		return nil, err
	}
	return &tenants{tenantFrom: c, passes: map[string]*login.HostPass{}}, nil
}

// onTenantHost reports whether r is for a host of the site other than
// its login host, where agents hold host passes, not logins.
func (g *Gateway) onTenantHost(r *http.Request) bool {
	return g.tenants != nil && g.tenants.byHost() && r.Host != g.tenants.loginHost
}

// requestAgent returns the agent r is from: by its login cookie, or on a
// tenant host by its host pass, which is returned too.
func (g *Gateway) requestAgent(ctx context.Context, r *http.Request) (*login.AgentSession, *login.HostPass, error) {
	if !g.onTenantHost(r) {
		ags, err := g.agent(ctx, r)
		return ags, nil, err
	}
	ss := g.d.Login.Sessions()
	id, ok := ss.ID(r)
	if !ok {
		return nil, nil, login.ErrNoSession
	}
	p, err := g.hostPass(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	ags, err := g.agentByID(ctx, r, p.Agent)
	return ags, p, err
}

// hostPass reads a host pass, once per instance: a pass never changes,
// and what it allows is decided by the agent session it names.
func (g *Gateway) hostPass(ctx context.Context, id string) (*login.HostPass, error) {
	t := g.tenants
	t.mu.Lock()
	p, ok := t.passes[id]
	t.mu.Unlock()
	if ok && g.now().Before(p.ExpiresAt) {
		return p, nil
	}
	p, err := g.d.Login.Sessions().HostPassByID(ctx, id)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	if len(t.passes) >= maxEntries {
		clear(t.passes)
	}
	t.passes[id] = p
	t.mu.Unlock()
	return p, nil
}

// agentByID returns the agent session with store id id, from the cache
// when the feed is live.
func (g *Gateway) agentByID(ctx context.Context, r *http.Request, id string) (*login.AgentSession, error) {
	if a, ok := g.cache.agent(id); ok && g.now().Before(a.ExpiresAt) {
		return a, nil
	}
	gen := g.cache.generation()
	a, err := g.d.Login.Sessions().ByID(ctx, r, id)
	if err != nil {
		return nil, err
	}
	g.cache.putAgent(gen, id, a)
	return a, nil
}

// rightTenant refuses, and audits, an agent request for a tenant other
// than its session's, one naming no tenant outside the shared pages, and
// one whose host or tenant segment is not as Lockbox lets agents write
// it. It reports whether the request may go on.
func (g *Gateway) rightTenant(w http.ResponseWriter, r *http.Request, pass *login.HostPass, sess *liveSession) bool {
	if g.tenants == nil {
		return true
	}
	status, d := g.tenantDecision(r, pass, sess)
	if d.Allowed() {
		return true
	}
	g.refuse(w, r, sess.Session, status, d)
	return false
}

func (g *Gateway) tenantDecision(r *http.Request, pass *login.HostPass, sess *liveSession) (int, policy.Decision) {
	clean, err := policy.CheckPath(r.URL.EscapedPath(), r.URL.Path)
	if err != nil {
		var pe *policy.PathError
		if errors.As(err, &pe) {
			return http.StatusBadRequest, pe.Decision()
		}
		return http.StatusBadRequest, policy.Decision{Code: "ambiguous_path", Message: "This address is written in a way Lockbox does not let agents use."}
	}
	t, named, err := g.tenants.of(r)
	switch {
	case err != nil:
		return http.StatusBadRequest, policy.Decision{Code: CodeBadTenantAddr,
			Message: "This address does not name a tenant the way this site writes it (" + err.Error() + "), so it was not opened."}
	case !named && g.tenants.isShared(clean):
		return 0, policy.Decision{}
	case !named:
		return http.StatusForbidden, policy.Decision{Code: CodeNoTenant,
			Message: "This page belongs to no tenant, so it is not opened with your support session in " + sess.Tenant + "."}
	case t != sess.Tenant, pass != nil && (pass.Host != r.Host || pass.Tenant != t):
		return http.StatusForbidden, policy.Decision{Code: CodeWrongTenant,
			Message: "This page belongs to " + t + ", but your support session is in " + sess.Tenant + ". Enter " + t + " from the console to work there."}
	case pass != nil && pass.Session != sess.ID:
		return http.StatusForbidden, policy.Decision{Code: CodeSessionChanged,
			Message: "This window belongs to an earlier support session. Enter " + t + " again from the console."}
	}
	return 0, policy.Decision{}
}
