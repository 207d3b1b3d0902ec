package login

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// kindHostPass is the record kind of host passes.
const kindHostPass = "agent-host"

// HostPass lets one tenant host of a site use an agent session created on
// the site's login host, for one impersonation session. The browser holds
// it as that host's own host-only session cookie; the server-side agent
// session stays one, so logging out, leaving or losing the tenant there
// ends what every host's cookie can do.
type HostPass struct {
	// ID is the pass's store id: the hex SHA-256 of its cookie value and
	// the site key, as for agent sessions.
	ID string `json:"-"`
	// Agent is the store id of the agent session the pass stands for.
	Agent string `json:"agent"`
	// Host is the one host the pass is honoured on, as the request named
	// it (lowercase, with a port when not the scheme's standard one).
	Host string `json:"host"`
	// Tenant is the tenant the host belongs to.
	Tenant string `json:"tenant"`
	// Session is the impersonation session the pass was issued for.
	Session string `json:"session"`
	// ExpiresAt is the agent session's expiry; the pass ends with it.
	ExpiresAt time.Time `json:"expires_at"`
}

// IssueHostPass stores p for r's host and sets it as r's session cookie
// there. A pass the browser already held on the host is deleted.
func (ss *Sessions) IssueHostPass(ctx context.Context, w http.ResponseWriter, r *http.Request, p HostPass) (*HostPass, error) {
	mode := websession.ModeOf(r)
	if mode == websession.Refused {
		return nil, insecure()
	}
	ttl := p.ExpiresAt.Sub(ss.now())
	if ttl <= 0 {
		return nil, ErrNoSession
	}
	key := siteKey(ss.site, r, mode)
	if old, ok := ss.cookie(r); ok {
		if err := ss.store.DeleteRecord(ctx, kindHostPass, sessionID(old, key)); err != nil {
			return nil, problem.Store(err)
		}
	}
	value := websession.NewToken()
	p.ID = sessionID(value, key)
	v, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	ok, err := ss.store.CreateRecord(ctx, kindHostPass, p.ID, v, ttl)
	if err != nil {
		return nil, problem.Store(err)
	}
	if !ok {
		return nil, problem.Store(errors.New("host pass id already exists"))
	}
	ss.SetCookie(w, r, value, p.ExpiresAt)
	return &p, nil
}

// HostPassByID returns the live host pass with store id id (see ID).
// ErrNoSession when there is none.
func (ss *Sessions) HostPassByID(ctx context.Context, id string) (*HostPass, error) {
	raw, err := ss.store.GetRecord(ctx, kindHostPass, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, problem.Store(err)
	}
	p := &HostPass{ID: id}
	if err := json.Unmarshal(raw, p); err != nil || p.Agent == "" || p.Host == "" {
		return nil, ErrNoSession
	}
	if !ss.now().Before(p.ExpiresAt) {
		return nil, ErrNoSession
	}
	return p, nil
}

// ByID returns the live agent session with store id id, as Get does for
// a cookie: it must have been created on this site over r's scheme.
func (ss *Sessions) ByID(ctx context.Context, r *http.Request, id string) (*AgentSession, error) {
	return ss.get(ctx, r, id)
}
