package httpjson

import (
	"net/http"
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// Route is one method on one ServeMux path pattern of a JSON API.
type Route struct {
	// Method is the HTTP method; a GET route also answers HEAD.
	Method string
	// Pattern is the path pattern, such as "/api/tenants/{tenant}".
	Pattern string
	// Handler serves the route.
	Handler http.Handler
}

// NewMux returns a ServeMux serving routes, with a JSON 405 and an Allow
// header for every other method on a known path (ServeMux's own 405 is
// plain text), and notFound for everything else.
func NewMux(routes []Route, notFound http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	var patterns []string
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
		if allowed[rt.Pattern] == nil {
			patterns = append(patterns, rt.Pattern)
		}
		allowed[rt.Pattern] = append(allowed[rt.Pattern], rt.Method)
	}
	for _, p := range patterns {
		mux.Handle(p, MethodNotAllowed(allowed[p]))
	}
	mux.Handle("/", notFound)
	return mux
}

// MethodNotAllowed answers 405 "method_not_allowed" naming the methods
// the path takes. GET routes also answer HEAD, as ServeMux does.
func MethodNotAllowed(methods []string) http.Handler {
	allow := slices.Clone(methods)
	if slices.Contains(allow, http.MethodGet) {
		allow = append(allow, http.MethodHead)
	}
	slices.Sort(allow)
	list := strings.Join(allow, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", list)
		WriteError(w, WithStatus(http.StatusMethodNotAllowed, problem.New(problem.Invalid, "method_not_allowed",
			"method %s is not allowed on %q; use %s", Clip(r.Method), Clip(r.URL.Path), list)))
	})
}

// NotFound answers 404 "not_found" for a path of no route; api names the
// API in the message, as in "no such ops API path".
func NotFound(api string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, problem.New(problem.NotFound, "not_found", "no such %s path: %s %q", api, Clip(r.Method), Clip(r.URL.Path)))
	})
}
