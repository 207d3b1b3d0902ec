package demoapp

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

//go:embed templates/*.html
var files embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"abbrev": abbrev,
	"when":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
}).ParseFS(files, "templates/*.html"))

// page is the data of every template.
type page struct {
	Title    string
	Console  string
	Visit    *visit
	Customer customer
	Notes    []note
	// Claims is the verified token's payload, indented.
	Claims string
	// Message is the text of a refusal page.
	Message string
}

// newPage returns the data shared by every page for visit v.
func (a *App) newPage(title string, v *visit) *page {
	p := &page{Title: title, Console: a.cfg.ConsolePath, Visit: v}
	if v.Agent() {
		p.Customer = customerOf(v.Tenant(), v.PII)
		p.Notes = a.notes.list(v.Tenant())
		b, _ := json.MarshalIndent(v.Token.Raw, "", "  ") // decoded JSON re-encodes
		p.Claims = string(b)
	}
	return p
}

// render writes template name with status; pages are never cached, since
// they show who is visiting.
func render(w http.ResponseWriter, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, p); err != nil {
		http.Error(w, "the demo app could not render this page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// abbrev shortens a long value, such as a token, for a table cell.
func abbrev(s string) string {
	const keep = 32
	if utf8.RuneCountInString(s) <= keep+8 {
		return s
	}
	return string([]rune(s)[:keep]) + "… (" + strconv.Itoa(len(s)) + " characters)"
}
