package opsapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// route is one method on one path pattern.
type route struct {
	method string
	path   string
	fn     endpoint
}

func (h *Handler) table() []route {
	return []route{
		{http.MethodGet, "/lockbox/grants", h.listActive},
		{http.MethodGet, "/lockbox/tenants/{tenant}/grants", h.listGrants},
		{http.MethodPost, "/lockbox/tenants/{tenant}/grants", h.createGrant},
		{http.MethodDelete, "/lockbox/tenants/{tenant}/grants/{id}", h.revokeGrant},
		{http.MethodGet, "/lockbox/tenants/{tenant}/audit", h.listAudit},
		{http.MethodGet, "/lockbox/tenants/{tenant}/audit/verify", h.verifyAudit},
		{http.MethodGet, "/lockbox/tenants/{tenant}/sessions", h.listSessions},
		{http.MethodPost, "/lockbox/keys/rotate", h.rotateKeys},
	}
}

// routes registers the table, a JSON 405 for every other method on a
// known path (ServeMux's own 405 is plain text), and a JSON 404 for
// everything else.
func (h *Handler) routes() {
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range h.table() {
		h.mux.Handle(rt.method+" "+rt.path, h.serve(rt.fn))
		if allowed[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	for _, p := range paths {
		h.mux.Handle(p, h.serve(methodNotAllowed(allowed[p])))
	}
	h.mux.Handle("/", h.serve(notFound))
}

// methodNotAllowed answers 405 naming the methods the path takes. GET
// routes also answer HEAD, as ServeMux does.
func methodNotAllowed(methods []string) endpoint {
	allow := slices.Clone(methods)
	if slices.Contains(allow, http.MethodGet) {
		allow = append(allow, http.MethodHead)
	}
	slices.Sort(allow)
	list := strings.Join(allow, ", ")
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", list)
		return httpjson.WithStatus(http.StatusMethodNotAllowed, problem.New(problem.Invalid, "method_not_allowed",
			"method %s is not allowed on %q; use %s", clip(r.Method), clip(r.URL.Path), list))
	}
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	return problem.New(problem.NotFound, "not_found", "no such ops API path: %s %q", clip(r.Method), clip(r.URL.Path))
}

// clip shortens caller text echoed in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
