package pages

import (
	"net/http"
	"strings"
)

// FormsTo returns w changed so that the page rendered through it lets its
// forms lead to sources (CSP source expressions such as
// https://*.app.example.com) besides its own origin: browsers hold the
// redirects that follow a form's submission to form-action too.
func FormsTo(w http.ResponseWriter, sources string) http.ResponseWriter {
	if sources == "" {
		return w
	}
	return &formsTo{ResponseWriter: w, sources: sources}
}

type formsTo struct {
	http.ResponseWriter
	sources string
}

func (f *formsTo) WriteHeader(status int) {
	h := f.Header()
	if csp := h.Get("Content-Security-Policy"); csp != "" {
		h.Set("Content-Security-Policy", strings.Replace(csp, "form-action 'self'", "form-action 'self' "+f.sources, 1))
	}
	f.ResponseWriter.WriteHeader(status)
}
