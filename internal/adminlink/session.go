package adminlink

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// sessionKind is the store record kind of admin sessions.
const sessionKind = "admin"

// DefaultSessionTTL is how long an admin session lasts from the link's
// opening, whatever is left of the link's own lifetime.
const DefaultSessionTTL = 12 * time.Hour

// Session is an admin's browser session on the hosted page.
type Session struct {
	// ID is the session's store id: the hex SHA-256 of the cookie value.
	ID string `json:"-"`
	// Tenant, AdminID, Role and Areas come from the link that opened it.
	Tenant  string   `json:"tenant"`
	AdminID string   `json:"admin_id"`
	Role    string   `json:"role"`
	Areas   []string `json:"areas,omitempty"`
	// LinkID is the jti of the link that opened it, for the audit trail.
	LinkID    string    `json:"link_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// CSRF is the token every form of the page must carry; see CSRFValid.
	CSRF string `json:"csrf"`
}

// For returns nil if the session is for tenant, else ErrWrongTenant.
func (s *Session) For(tenantID string) error {
	if s.Tenant != tenantID {
		return wrongTenant(tenantID)
	}
	return nil
}

// CSRFValid reports, in constant time, whether token is the session's
// CSRF token. A nil session or an empty token is never valid.
func (s *Session) CSRFValid(token string) bool {
	return s != nil && websession.Equal(s.CSRF, token)
}

// Sessions keeps admin sessions in the store, keyed by the hash of the
// cookie value. It is safe for concurrent use.
type Sessions struct {
	store store.Store
	links *Links
	ttl   time.Duration
	now   func() time.Time
}

// NewSessions returns admin sessions over st, opened from links, lasting
// ttl (DefaultSessionTTL when 0); now is the clock (time.Now when nil).
func NewSessions(st store.Store, links *Links, ttl time.Duration, now func() time.Time) *Sessions {
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Sessions{store: st, links: links, ttl: ttl, now: now}
}

// Open verifies the token= of the POST that opens a link (the
// "Continue" button of the page a link's GET shows), spends the link,
// starts the admin's session, sets its cookie and returns where to
// redirect: the same path and query without a token. The response is
// marked no-store and no-referrer. Refusals are ErrInvalid, ErrExpired,
// ErrSpent or ErrInsecure problems. A GET is always ErrInvalid: mail
// scanners fetch links, and fetching one must change nothing. The caller
// checks that the POST comes from the site's own origin.
func (ss *Sessions) Open(ctx context.Context, w http.ResponseWriter, r *http.Request) (string, *Session, error) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodPost || r.ParseForm() != nil || len(r.PostForm["token"]) != 1 {
		return "", nil, invalidLink()
	}
	c, err := ss.links.Verify(ctx, r.PostForm.Get("token"))
	if err != nil {
		return "", nil, err
	}
	s, err := ss.StartOnce(ctx, w, r, c)
	if err != nil {
		return "", nil, err
	}
	return withoutToken(r), s, nil
}

// withoutToken is r's path and query minus token=. A path starting with
// two slashes would redirect to another host, so leading slashes collapse.
func withoutToken(r *http.Request) string {
	q := r.URL.Query()
	q.Del("token")
	u := "/" + strings.TrimLeft(r.URL.EscapedPath(), "/\\")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// Start begins a session for verified claims c: it deletes the session r
// carried (a new link never keeps an old cookie value), stores the new
// one and sets its cookie.
func (ss *Sessions) Start(ctx context.Context, w http.ResponseWriter, r *http.Request, c Claims) (*Session, error) {
	name, ok := cookieName(r)
	if !ok {
		return nil, insecure()
	}
	if old, ok := cookieValue(r); ok {
		if err := ss.store.DeleteRecord(ctx, sessionKind, websession.Hash(old)); err != nil {
			return nil, problem.Store(err)
		}
	}
	value, now := websession.NewToken(), ss.now().UTC()
	s := &Session{
		ID: websession.Hash(value), Tenant: c.Tenant, AdminID: c.AdminID, Role: c.Role,
		Areas: slices.Clone(c.Areas), LinkID: c.ID,
		CreatedAt: now, ExpiresAt: now.Add(ss.ttl), CSRF: websession.NewToken(),
	}
	if err := ss.create(ctx, s); err != nil {
		return nil, err
	}
	setCookie(w, r, name, value, ss.ttl)
	return s, nil
}

func (ss *Sessions) create(ctx context.Context, s *Session) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	created, err := ss.store.CreateRecord(ctx, sessionKind, s.ID, v, ss.ttl)
	if err == nil && !created {
		err = errors.New("admin session id already exists")
	}
	if err != nil {
		return problem.Store(err)
	}
	return nil
}

// Get returns the live session named by r's cookie. A missing, malformed,
// unknown or expired cookie is ErrNoSession; a store failure is a
// problem.Store error, so callers fail closed.
func (ss *Sessions) Get(ctx context.Context, r *http.Request) (*Session, error) {
	value, ok := cookieValue(r)
	if !ok {
		return nil, noSession()
	}
	id := websession.Hash(value)
	raw, err := ss.store.GetRecord(ctx, sessionKind, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, noSession()
	case err != nil:
		return nil, problem.Store(err)
	}
	s := &Session{ID: id}
	if err := json.Unmarshal(raw, s); err != nil || s.Tenant == "" || s.AdminID == "" || s.CSRF == "" {
		return nil, noSession()
	}
	// The store's TTL is garbage collection; expiry is decided here.
	if !ss.now().Before(s.ExpiresAt) {
		return nil, noSession()
	}
	return s, nil
}

// Destroy ends the session r carries: the cookie is expired first, then
// the record deleted, so the browser is signed out even if the store is
// down (the error is returned for the caller to show).
func (ss *Sessions) Destroy(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	name, ok := cookieName(r)
	if !ok {
		return nil
	}
	setCookie(w, r, name, "", 0)
	value, ok := cookieValue(r)
	if !ok {
		return nil
	}
	if err := ss.store.DeleteRecord(ctx, sessionKind, websession.Hash(value)); err != nil {
		return problem.Store(err)
	}
	return nil
}
