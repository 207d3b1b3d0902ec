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

// AgentSession is an agent's browser session: who signed in, what the
// roles allow, and which tenant the agent is working in, if any.
type AgentSession struct {
	Identity
	// ID is the session's store id: the hex SHA-256 of the cookie value
	// and the site key. It is not a secret, but it is no use without the
	// cookie either.
	ID string `json:"-"`
	// Site is the scheme and site that created the session; it is
	// honoured nowhere else.
	Site string `json:"site"`
	// CreatedAt and ExpiresAt bound the session (SessionMax apart).
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// CSRF is the token forms of the console must carry; see CSRFValid.
	CSRF string `json:"csrf"`
	// Impersonation is the tenant the agent is in; nil when none.
	Impersonation *Impersonation `json:"impersonation,omitempty"`

	raw []byte // the record as read, for Save's compare-and-swap
}

// Impersonation names the impersonation session an agent is in.
type Impersonation struct {
	// Tenant is the tenant the agent entered.
	Tenant string `json:"tenant"`
	// Session is the impersonation session's id (store.Session.ID).
	Session string `json:"session"`
}

// Sessions keeps agent sessions in the store, keyed by the hash of the
// cookie value and the site.
type Sessions struct {
	store  store.Store
	maxAge time.Duration
	now    func() time.Time
	site   string // Config.Site; "" means the request's scheme and Host
}

// NewSessions returns agent sessions over st that last maxAge from their
// creation; now is the clock (time.Now when nil).
func NewSessions(st store.Store, maxAge time.Duration, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	return &Sessions{store: st, maxAge: maxAge, now: now}
}

// Create starts a fresh session for id, deletes the session r carried (so
// a login never keeps an old cookie value), and sets the new cookie.
func (ss *Sessions) Create(ctx context.Context, w http.ResponseWriter, r *http.Request, id Identity) (*AgentSession, error) {
	mode := websession.ModeOf(r)
	if mode == websession.Refused {
		return nil, insecure()
	}
	key := siteKey(ss.site, r, mode)
	if old, ok := ss.cookie(r); ok {
		if err := ss.store.DeleteRecord(ctx, kindAgent, sessionID(old, key)); err != nil {
			return nil, problem.Store(err)
		}
	}
	value := websession.NewToken()
	now := ss.now().UTC()
	s := &AgentSession{
		Identity:  id,
		ID:        sessionID(value, key),
		Site:      key,
		CreatedAt: now,
		ExpiresAt: now.Add(ss.maxAge),
		CSRF:      websession.NewToken(),
	}
	if err := ss.create(ctx, s); err != nil {
		return nil, err
	}
	ss.SetCookie(w, r, value, s.ExpiresAt)
	return s, nil
}

// create writes a new session record.
func (ss *Sessions) create(ctx context.Context, s *AgentSession) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	ok, err := ss.store.CreateRecord(ctx, kindAgent, s.ID, v, ss.maxAge)
	if err != nil {
		return problem.Store(err)
	}
	if !ok {
		return problem.Store(errors.New("agent session id already exists"))
	}
	s.raw = v
	return nil
}

// Get returns the live session named by r's cookie. A missing, malformed
// (of any size), unknown or expired cookie is ErrNoSession, and so is one
// created on another site or over another scheme; a store failure is a
// problem.Store error, so callers fail closed.
func (ss *Sessions) Get(ctx context.Context, r *http.Request) (*AgentSession, error) {
	id, ok := ss.ID(r)
	if !ok {
		return nil, ErrNoSession
	}
	return ss.get(ctx, r, id)
}

// get reads the session with store id id for r.
func (ss *Sessions) get(ctx context.Context, r *http.Request, id string) (*AgentSession, error) {
	raw, err := ss.store.GetRecord(ctx, kindAgent, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, problem.Store(err)
	}
	s := &AgentSession{ID: id, raw: raw}
	if err := json.Unmarshal(raw, s); err != nil || s.Agent.Subject == "" || len(s.Roles) == 0 ||
		s.Site != siteKey(ss.site, r, websession.ModeOf(r)) {
		return nil, ErrNoSession
	}
	// The store's TTL is garbage collection; expiry is decided here.
	if !ss.now().Before(s.ExpiresAt) {
		return nil, ErrNoSession
	}
	return s, nil
}

// Save writes back a session read by Get or made by Create, only if its
// record has not changed meanwhile, and never past its expiry: a session
// destroyed or expired meanwhile is ErrNoSession, one changed by another
// request is a Conflict problem.
func (ss *Sessions) Save(ctx context.Context, s *AgentSession) error {
	ttl := s.ExpiresAt.Sub(ss.now())
	if s.raw == nil || ttl <= 0 {
		return ErrNoSession
	}
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	ok, err := ss.store.SwapRecord(ctx, kindAgent, s.ID, s.raw, v, ttl)
	if err != nil {
		return problem.Store(err)
	}
	if !ok {
		return ss.lostSwap(ctx, s.ID)
	}
	s.raw = v
	return nil
}

// lostSwap explains a failed Save: gone, or changed by someone else.
func (ss *Sessions) lostSwap(ctx context.Context, id string) error {
	_, err := ss.store.GetRecord(ctx, kindAgent, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ErrNoSession
	case err != nil:
		return problem.Store(err)
	}
	return problem.New(problem.Conflict, CodeSessionChanged, "your session changed in another tab; reload and try again")
}

// Destroy ends the session r carries: the cookie is expired first, then
// the record deleted, so the browser is signed out even if the store is
// down (the error is returned for the caller to show).
func (ss *Sessions) Destroy(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	mode := websession.ModeOf(r)
	if mode == websession.Refused {
		return nil
	}
	name, _ := names(mode)
	websession.SetCookie(w, mode, name, "", -1)
	id, ok := ss.ID(r)
	if !ok {
		return nil
	}
	if err := ss.store.DeleteRecord(ctx, kindAgent, id); err != nil {
		return problem.Store(err)
	}
	return nil
}

// SetCookie sets the session cookie for r's scheme: __Host-lockbox
// (Secure) over HTTPS, lockbox over plain HTTP to a loopback host, none
// otherwise. Both are HttpOnly, SameSite=Lax, Path=/, and expire at
// expires; an expires already past deletes the cookie.
func (ss *Sessions) SetCookie(w http.ResponseWriter, r *http.Request, value string, expires time.Time) {
	mode := websession.ModeOf(r)
	if mode == websession.Refused {
		return
	}
	name, _ := names(mode)
	left := expires.Sub(ss.now())
	if left <= 0 {
		websession.SetCookie(w, mode, name, "", -1)
		return
	}
	websession.SetCookie(w, mode, name, value, left)
}

// cookie returns the well-formed session cookie value of r, if any.
func (ss *Sessions) cookie(r *http.Request) (string, bool) {
	mode := websession.ModeOf(r)
	if mode == websession.Refused {
		return "", false
	}
	name, _ := names(mode)
	return websession.Value(r, name)
}
