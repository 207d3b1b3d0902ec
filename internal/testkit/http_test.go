package testkit_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestSendReadsTheAnswer checks a request's header reaches the server and
// the answer comes back whole, and that the error check reads the shape.
func TestSendReadsTheAnswer(t *testing.T) {
	srv := testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Got", r.Header.Get("X-Sent"))
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"error":{"code":"taken","message":"already there"}}`))
	}))
	r := testkit.Send(t, srv.Client(), http.MethodPost, srv.URL+"/x", strings.NewReader("{}"), http.Header{"X-Sent": {"yes"}})
	if r.Status != http.StatusConflict || r.Header.Get("X-Got") != "yes" {
		t.Fatalf("answer %d %v", r.Status, r.Header)
	}
	if msg := testkit.APIError(t, r, http.StatusConflict, "taken"); msg != "already there" {
		t.Fatalf("message %q", msg)
	}
}

// TestBrowserKeepsCookiesAndStopsAtRedirects checks the browser client
// sends back the cookie it was given and shows a redirect as it is.
func TestBrowserKeepsCookiesAndStopsAtRedirects(t *testing.T) {
	srv := testkit.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie("s"); err == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "s", Value: "1", Path: "/"})
		http.Redirect(w, r, "/next", http.StatusSeeOther)
	}))
	c := testkit.Browser(t)
	if r := testkit.Send(t, c, http.MethodGet, srv.URL, nil, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("first: %d, want the redirect itself", r.Status)
	}
	if r := testkit.Send(t, c, http.MethodGet, srv.URL, nil, nil); r.Status != http.StatusNoContent {
		t.Fatalf("second: %d, want the cookie sent back", r.Status)
	}
}
