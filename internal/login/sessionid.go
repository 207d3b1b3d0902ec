package login

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/websession"
)

// ID returns the store id of the session r's cookie names on this site
// and scheme, without reading the store, so callers can cache sessions by
// it. ok is false when r carries no well-formed session cookie.
func (ss *Sessions) ID(r *http.Request) (string, bool) {
	value, ok := ss.cookie(r)
	if !ok {
		return "", false
	}
	return sessionID(value, siteKey(ss.site, r, websession.ModeOf(r))), true
}
