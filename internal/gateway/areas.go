package gateway

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// outsideAreas refuses, with a page and an access.denied event, a request
// whose clean path lies outside every area the session's grant covers,
// and reports whether it did. A session without areas covers the whole app.
func (g *Gateway) outsideAreas(w http.ResponseWriter, r *http.Request, s *store.Session, clean string) bool {
	if len(s.Areas) == 0 {
		return false
	}
	d := g.cfg.Areas.DecideAreas(clean, s.Areas)
	if d.Allowed() {
		return false
	}
	g.refuse(w, r, s, http.StatusForbidden, d)
	return true
}
