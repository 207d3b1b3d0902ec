package gateway

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// agentRequestRefusal returns why an agent request must not go on before
// its path is matched against the rules, with its status: a WebSocket
// opened from a page of another origin (403), or a _method query
// parameter (400). The zero Decision lets it go on.
func agentRequestRefusal(r *http.Request) (int, policy.Decision) {
	if policy.IsWebSocket(r) && !ownOrigin(r) {
		return http.StatusForbidden, policy.Decision{Code: policy.CodeForeignOrigin,
			Message: "Lockbox refused this live connection because it was not opened by a page of this site."}
	}
	if policy.HasMethodParam(r.URL.RawQuery) {
		return http.StatusBadRequest, policy.Decision{Code: policy.CodeMethodParam,
			Message: "Lockbox refused this address during support access because it asks the app to use another method (_method)."}
	}
	return 0, policy.Decision{}
}

// ownOrigin reports whether r carries exactly one Origin header and it is
// the site's own origin. Browsers always send Origin on a WebSocket
// handshake, so a missing one is refused too.
func ownOrigin(r *http.Request) bool {
	o := r.Header["Origin"]
	return len(o) == 1 && policy.OwnOrigin(o[0], websession.Scheme(r), r.Host)
}
