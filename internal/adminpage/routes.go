package adminpage

import (
	"net/http"
	"path"
	"regexp"
	"strings"
)

// prefixPattern is a prefix that is safe to put in a ServeMux pattern:
// plain segments, none of them a dot segment.
var prefixPattern = regexp.MustCompile(`^(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$`)

// route is one view or form of the page. Its path is relative to the
// page, in ServeMux pattern syntax; a path with an {id} names the id's
// check, and an id that fails it is not found, whatever the method.
type route struct {
	method string
	path   string
	valid  func(id string) bool
	serve  http.HandlerFunc
}

// routes lists the page's views and forms; the decision forms only when
// the site takes access requests.
func (h *Handler) routes() []route {
	rs := []route{
		{http.MethodGet, "", nil, h.servePage},
		{http.MethodPost, "/grants", nil, h.serveGrant},
		{http.MethodPost, "/revoke", nil, h.serveRevoke},
		{http.MethodPost, "/signout", nil, h.serveSignOut},
		{http.MethodPost, openPath, nil, h.serveOpen},
		{http.MethodGet, checkpointPath, nil, h.serveCheckpoint},
		{http.MethodGet, "/sessions/{id}", validSessionPath, withID(h.serveSession)},
		{http.MethodPost, "/breakglass/{id}/ack", validAckID, withID(h.serveAck)},
	}
	if h.d.Requests != nil {
		rs = append(rs,
			route{http.MethodPost, requestsPath + "{id}" + approvePath, validRequestID, withID(h.serveApprove)},
			route{http.MethodPost, requestsPath + "{id}" + denyPath, validRequestID, withID(h.serveDeny)})
	}
	return rs
}

// newMux returns the page's routes under <prefix>/admin. A GET route
// also answers HEAD; another method on a known path gets a 405 page
// naming the one it takes, and every other path the page's 404, an
// unclean one too (ServeMux would redirect it; the gateway in front
// cleans paths already).
func (h *Handler) newMux() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		refuse := func(w http.ResponseWriter, r *http.Request) { h.methodNotAllowed(w, r, rt.method) }
		mux.Handle(rt.method+" "+h.base+rt.path, h.checked(rt.valid, rt.serve))
		mux.Handle(h.base+rt.path, h.checked(rt.valid, refuse))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { h.notFound(w) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.EscapedPath(); p != cleanPath(p) {
			h.notFound(w)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// cleanPath is the path ServeMux matches: rooted, with no empty, "." or
// ".." segments, and a trailing slash kept.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// checked answers 404 for a path whose {id} fails valid, and passes the
// rest to serve.
func (h *Handler) checked(valid func(string) bool, serve http.HandlerFunc) http.Handler {
	if valid == nil {
		return serve
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !valid(r.PathValue("id")) {
			h.notFound(w)
			return
		}
		serve(w, r)
	})
}

// withID adapts a handler of one id to the route's {id}.
func withID(serve func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { serve(w, r, r.PathValue("id")) }
}

// validSessionPath reports whether id is one path segment; the view
// itself refuses ids no session could have.
func validSessionPath(id string) bool { return !strings.Contains(id, "/") }

// validAckID reports whether id could be the session id of an
// acknowledge form's path.
func validAckID(id string) bool { return len(id) <= maxSessionID && !strings.Contains(id, "/") }
