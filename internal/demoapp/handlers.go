package demoapp

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// serveHome shows who is visiting, what arrived from Lockbox, and, for a
// verified agent, the tenant's customer record and notes.
func (a *App) serveHome(w http.ResponseWriter, r *http.Request) {
	v := a.inspect(r)
	render(w, http.StatusOK, "home.html", a.newPage("Customer record", v))
}

// serveAddNote adds a note to the tenant's record. Lockbox refuses the
// POST to read-only sessions before it gets here; the app checks the
// verified scope too, as an app should.
func (a *App) serveAddNote(w http.ResponseWriter, r *http.Request) {
	v := a.inspect(r)
	switch {
	case !v.Agent():
		a.refuse(w, v, http.StatusForbidden, "Only a support agent with a verified Lockbox token can add notes. This demo app has no logins of its own.")
		return
	case !v.Write:
		a.refuse(w, v, http.StatusForbidden, "Your session is read-only: its token has no write scope.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		a.refuse(w, v, http.StatusBadRequest, "The form could not be read.")
		return
	}
	text := strings.TrimSpace(r.PostForm.Get("note"))
	if msg := checkNote(text); msg != "" {
		a.refuse(w, v, http.StatusBadRequest, msg)
		return
	}
	a.notes.add(v.Tenant(), note{Text: text, Agent: v.Token.Claims.Actor.Email, At: a.cfg.Now()})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// checkNote returns why text cannot be a note, or "".
func checkNote(text string) string {
	switch {
	case text == "":
		return "Write something in the note."
	case utf8.RuneCountInString(text) > maxNoteText:
		return "The note is too long: at most 500 characters."
	case strings.IndexFunc(text, unicode.IsControl) >= 0:
		return "The note must be a single line of text."
	}
	return ""
}

// serveBilling is the page Lockbox's deny rule keeps agents out of.
func (a *App) serveBilling(w http.ResponseWriter, r *http.Request) {
	v := a.inspect(r)
	render(w, http.StatusOK, "billing.html", a.newPage("Billing settings", v))
}

func (a *App) serveNotFound(w http.ResponseWriter, r *http.Request) {
	a.refuse(w, a.inspect(r), http.StatusNotFound, "The demo app has no such page.")
}

// refuse shows a plain page with status and msg.
func (a *App) refuse(w http.ResponseWriter, v *visit, status int, msg string) {
	p := a.newPage(http.StatusText(status), v)
	p.Message = msg
	render(w, status, "message.html", p)
}
