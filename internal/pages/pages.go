// Package pages renders the HTML a person sees: the agent console and the
// plain pages that say why a request was refused. Templates are embedded
// and escaped by html/template; no JavaScript is needed.
package pages

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

//go:embed templates/*.html
var files embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"when":  when,
	"join":  strings.Join,
	"until": until,
}).ParseFS(files, "templates/*.html"))

// Error is a page that explains a refusal or a failure.
type Error struct {
	Status int
	Title  string
	// Message says what happened and what to do, in plain words.
	Message string
	// Links offers ways on, e.g. back to the console.
	Links []Link
}

// Link is a labelled URL on a page.
type Link struct {
	Label, URL string
}

// RenderError writes an error page with its status. Pages are never cached
// and never framed.
func RenderError(w http.ResponseWriter, e Error) {
	render(w, e.Status, "error.html", e)
}

// Render writes the named template with status 200.
func Render(w http.ResponseWriter, name string, data any) {
	render(w, http.StatusOK, name, data)
}

// RenderStatus writes the named template with status, e.g. the console
// again with why a form was refused.
func RenderStatus(w http.ResponseWriter, status int, name string, data any) {
	render(w, status, name, data)
}

func render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
		// A template bug must not leak its text; say so plainly.
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString("<!doctype html><title>Error</title><p>Lockbox could not render this page.</p>")
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "same-origin")
	problem.SetRetryAfter(h, status)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func when(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return "—"
		}
		return v.UTC().Format("2006-01-02 15:04 UTC")
	case *time.Time:
		if v == nil {
			return "—"
		}
		return when(*v)
	}
	return ""
}

// until describes how long is left before t, for a person.
func until(t *time.Time, now time.Time) string {
	if t == nil {
		return "standing (no expiry)"
	}
	d := t.Sub(now)
	switch {
	case d <= 0:
		return "expired"
	case d < time.Hour:
		return "for " + d.Round(time.Minute).String()
	case d < 48*time.Hour:
		return "for " + strings.TrimSuffix(d.Round(time.Hour).String(), "0m0s")
	}
	return "until " + when(*t)
}
