package devidp

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	loginPath     = "/login"
	loggedOutPath = "/logged-out"
	maxFormBytes  = 16 << 10
)

// Messages shown on the login page.
const (
	msgBadCredentials = "Unknown user or wrong password. The password of a development user is its username."
	msgUnknownRequest = "This sign-in request is unknown or has expired. Start again from the application."
	msgRequestDone    = "This sign-in request is already complete. Start again from the application."
	msgBadForm        = "The sign-in form could not be read. Start again from the application."
)

//go:embed login.html
var loginHTML string

var loginTemplate = template.Must(template.New("login").Parse(loginHTML))

// loginHandler serves the login page for pending auth requests and
// completes them when a user signs in.
type loginHandler struct {
	store       *storage
	callbackURL func(context.Context, string) string
	issuer      string
}

// loginPage is the data of the login template.
type loginPage struct {
	RequestID string // empty when no sign-in can proceed
	ClientID  string
	Users     []userChoice
	Username  string
	Error     string
	SignedOut bool
}

// userChoice is one "Sign in as" button.
type userChoice struct {
	Username string
	Label    string
}

// loginMethodNotAllowed answers a method the login page does not take.
func loginMethodNotAllowed(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Allow", "GET, HEAD, POST")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}

// show renders the user list for the auth request named in the query.
func (h *loginHandler) show(w http.ResponseWriter, r *http.Request) {
	ar, err := h.store.pendingRequest(r.URL.Query().Get("id"))
	if err != nil {
		render(w, http.StatusBadRequest, loginPage{Error: requestMessage(err)})
		return
	}
	render(w, http.StatusOK, h.page(ar, ""))
}

// submit signs a user in and sends the browser on to the library's
// callback, which redirects to the client with the code.
func (h *loginHandler) submit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		render(w, http.StatusBadRequest, loginPage{Error: msgBadForm})
		return
	}
	id := r.PostForm.Get("id")
	ar, err := h.store.pendingRequest(id)
	if err != nil {
		render(w, http.StatusBadRequest, loginPage{Error: requestMessage(err)})
		return
	}
	u, ok := h.authenticate(r.PostForm)
	if !ok {
		page := h.page(ar, msgBadCredentials)
		page.Username = r.PostForm.Get("username")
		render(w, http.StatusForbidden, page)
		return
	}
	if err := h.store.completeRequest(id, u.Username); err != nil {
		render(w, http.StatusBadRequest, loginPage{Error: requestMessage(err)})
		return
	}
	ctx := op.ContextWithIssuer(r.Context(), h.issuer)
	http.Redirect(w, r, h.callbackURL(ctx, id), http.StatusSeeOther)
}

// authenticate returns the user chosen with a "Sign in as" button (field
// user) or typed with a password (fields username and password).
func (h *loginHandler) authenticate(form url.Values) (User, bool) {
	if name := form.Get("user"); name != "" {
		return h.store.user(name)
	}
	u, ok := h.store.user(form.Get("username"))
	if !ok || !u.checkPassword(form.Get("password")) {
		return User{}, false
	}
	return u, true
}

// page builds the login page for a pending auth request.
func (h *loginHandler) page(ar *authRequest, msg string) loginPage {
	p := loginPage{RequestID: ar.id, ClientID: ar.GetClientID(), Error: msg}
	for _, u := range h.store.users {
		p.Users = append(p.Users, userChoice{Username: u.Username, Label: choiceLabel(u)})
	}
	return p
}

// serveLoggedOut is where the end_session endpoint sends the browser when
// the client named no post-logout redirect URI.
func (h *loginHandler) serveLoggedOut(w http.ResponseWriter, _ *http.Request) {
	render(w, http.StatusOK, loginPage{SignedOut: true})
}

// choiceLabel is the button text, such as "Sign in as alice (support)".
func choiceLabel(u User) string {
	groups := "no groups"
	if len(u.Groups) > 0 {
		groups = strings.Join(u.Groups, ", ")
	}
	return "Sign in as " + u.Username + " (" + groups + ")"
}

// requestMessage explains why an auth request cannot be signed in to.
func requestMessage(err error) string {
	if errors.Is(err, errRequestDone) {
		return msgRequestDone
	}
	return msgUnknownRequest
}

// render writes the page with headers that keep it out of caches and
// frames.
func render(w http.ResponseWriter, status int, page loginPage) {
	var buf bytes.Buffer
	if err := loginTemplate.Execute(&buf, page); err != nil {
		http.Error(w, "rendering the login page failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
