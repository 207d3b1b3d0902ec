package adminlink

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// spentKind is the store record kind of used links: one record per jti,
// created when the link opens a session and kept until the link expires,
// so a link opens once across every instance.
const spentKind = "adminlink_spent"

// spentMargin keeps a used link's record a little past its expiry, for
// clocks of instances that run slightly behind.
const spentMargin = 5 * time.Minute

// ErrSpent: the link already opened a session and cannot open another.
var ErrSpent = errors.New("admin link already used")

// CodeSpent is the problem code of ErrSpent.
const CodeSpent = "admin_link_used"

func spentLink() error {
	return &problem.Error{Kind: problem.Forbidden, Code: CodeSpent, Cause: ErrSpent,
		Message: "this Support Access link was already used; ask for a new one"}
}

// Spent reports whether the link c has opened a session, and when.
// Reading changes nothing, so a GET may ask.
func (ss *Sessions) Spent(ctx context.Context, c Claims) (time.Time, bool, error) {
	raw, err := ss.store.GetRecord(ctx, spentKind, c.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, problem.Store(err)
	}
	at, _ := time.Parse(time.RFC3339, string(raw)) // zero if unreadable: still spent
	return at, true, nil
}

// StartOnce spends the link c and starts its session, as Start does. A
// link spends once across every instance sharing the store: a second
// call is ErrSpent, whoever makes it. Nothing is spent when the request
// could not hold a session (ErrInsecure), and a link whose session failed
// to start is given back, so the admin may try again.
func (ss *Sessions) StartOnce(ctx context.Context, w http.ResponseWriter, r *http.Request, c Claims) (*Session, error) {
	if _, ok := cookieName(r); !ok {
		return nil, insecure()
	}
	now := ss.now().UTC()
	ttl := max(c.ExpiresAt.Sub(now), time.Second) + spentMargin
	created, err := ss.store.CreateRecord(ctx, spentKind, c.ID, []byte(now.Format(time.RFC3339)), ttl)
	switch {
	case err != nil:
		return nil, problem.Store(err)
	case !created:
		return nil, spentLink()
	}
	s, err := ss.Start(ctx, w, r, c)
	if err != nil {
		_ = ss.store.DeleteRecord(context.WithoutCancel(ctx), spentKind, c.ID)
		return nil, err
	}
	return s, nil
}

// OpenedBy returns the live session r carries if the link c opened it:
// the same browser coming back to a link it used.
func (ss *Sessions) OpenedBy(ctx context.Context, r *http.Request, c Claims) (*Session, bool) {
	s, err := ss.Get(ctx, r)
	if err != nil || s.LinkID != c.ID || s.Tenant != c.Tenant || s.AdminID != c.AdminID {
		return nil, false
	}
	return s, true
}
