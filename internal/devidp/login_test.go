package devidp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

const (
	badCredentials = "Unknown user or wrong password."
	unknownRequest = "This sign-in request is unknown or has expired."
	requestDone    = "This sign-in request is already complete."
)

func TestLoginRefusesBadCredentials(t *testing.T) {
	tests := []struct {
		name   string
		fields url.Values
	}{
		{name: "wrong password", fields: url.Values{"username": {"bob"}, "password": {"alice"}}},
		{name: "empty password", fields: url.Values{"username": {"bob"}, "password": {""}}},
		{name: "unknown user", fields: url.Values{"username": {"mallory"}, "password": {"mallory"}}},
		{name: "unknown user button", fields: url.Values{"user": {"mallory"}}},
	}
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := rp.begin(t)
			status, body, final := rp.submit(t, l, tt.fields)
			if status != http.StatusForbidden || !strings.HasPrefix(final.String(), rp.issuer+"/login") {
				t.Fatalf("ended at %s with %d, want the login page with 403", final, status)
			}
			if !strings.Contains(body, badCredentials) {
				t.Fatalf("page lacks the error message:\n%s", body)
			}
			if got := hiddenID(t, body); got != l.requestID {
				t.Fatalf("page offers auth request %q, want %q", got, l.requestID)
			}
			// The request stays usable: the right password still works.
			rp.exchange(t, l, rp.signIn(t, l, url.Values{"username": {"bob"}, "password": {"bob"}}))
		})
	}
}

func TestLoginKeepsTypedUsernameEscaped(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	l := rp.begin(t)
	_, body, _ := rp.submit(t, l, url.Values{"username": {`"><b>x`}, "password": {"x"}})
	if strings.Contains(body, `"><b>x`) || !strings.Contains(body, `value="&#34;&gt;&lt;b&gt;x"`) {
		t.Fatalf("typed username not escaped into the form:\n%s", body)
	}
}

func TestLoginEscapesUserData(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{
		secret: testClientSecret,
		users:  []devidp.User{{Username: "eve", Name: "Eve", Email: "eve@support.example", Groups: []string{"<script>alert(1)</script>"}}},
	})
	l := rp.begin(t)
	if strings.Contains(l.body, "<script>") || !strings.Contains(l.body, "&lt;script&gt;") {
		t.Fatalf("group not escaped on the login page:\n%s", l.body)
	}
}

func TestLoginRefusesUnusableRequests(t *testing.T) {
	tests := []struct {
		name string
		// prepare returns the auth request id to post and the message the
		// page must show.
		prepare func(t *testing.T, rp *relyingParty, l *login) (string, string)
	}{
		{
			name: "unknown id",
			prepare: func(*testing.T, *relyingParty, *login) (string, string) {
				return "NOT-A-REQUEST", unknownRequest
			},
		},
		{
			name: "empty id",
			prepare: func(*testing.T, *relyingParty, *login) (string, string) {
				return "", unknownRequest
			},
		},
		{
			name: "already signed in",
			prepare: func(t *testing.T, rp *relyingParty, l *login) (string, string) {
				rp.signIn(t, l, url.Values{"user": {"alice"}})
				return l.requestID, requestDone
			},
		},
		{
			name: "code already exchanged",
			prepare: func(t *testing.T, rp *relyingParty, l *login) (string, string) {
				rp.exchange(t, l, rp.signIn(t, l, url.Values{"user": {"alice"}}))
				return l.requestID, unknownRequest
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
			l := rp.begin(t)
			id, msg := tt.prepare(t, rp, l)
			l.requestID = id

			status, body, _ := rp.submit(t, l, url.Values{"user": {"bob"}})
			assertRefusalPage(t, "POST", status, body, msg)
			status, body, _ = rp.get(t, rp.issuer+"/login?"+url.Values{"id": {id}}.Encode())
			assertRefusalPage(t, "GET", status, body, msg)
		})
	}
}

func TestExpiry(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, rp *relyingParty, clock *testkit.Clock, l *login)
	}{
		{
			name: "auth request expires before login",
			run: func(t *testing.T, rp *relyingParty, clock *testkit.Clock, l *login) {
				clock.Add(10 * time.Minute)
				status, body, _ := rp.submit(t, l, url.Values{"user": {"bob"}})
				assertRefusalPage(t, "POST", status, body, unknownRequest)
			},
		},
		{
			name: "code expires before exchange",
			run: func(t *testing.T, rp *relyingParty, clock *testkit.Clock, l *login) {
				code := rp.signIn(t, l, url.Values{"user": {"bob"}})
				clock.Add(10 * time.Minute)
				_, err := rp.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(l.verifier))
				assertInvalidGrant(t, err)
			},
		},
		{
			name: "access token expires for userinfo",
			run: func(t *testing.T, rp *relyingParty, clock *testkit.Clock, l *login) {
				tok, _ := rp.exchange(t, l, rp.signIn(t, l, url.Values{"user": {"bob"}}))
				clock.Add(time.Hour)
				if _, err := rp.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok)); err == nil {
					t.Fatal("userinfo accepted an expired access token")
				}
			},
		},
		{
			name: "just before expiry everything works",
			run: func(t *testing.T, rp *relyingParty, clock *testkit.Clock, l *login) {
				clock.Add(10*time.Minute - time.Second)
				rp.exchange(t, l, rp.signIn(t, l, url.Values{"user": {"bob"}}))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := testkit.NewClock(time.Now())
			rp := newRelyingParty(t, rpOptions{secret: testClientSecret, now: clock.Now})
			tt.run(t, rp, clock, rp.begin(t))
		})
	}
}

func TestLoginMethodNotAllowed(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, rp.issuer+"/login", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rp.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") == "" {
		t.Fatalf("PUT /login: status %d, Allow %q; want 405 with Allow", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestEndSessionShowsSignedOut(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	status, body, final := rp.get(t, rp.issuer+"/end_session")
	if status != http.StatusOK || final.Path != "/logged-out" || !strings.Contains(body, "You are signed out.") {
		t.Fatalf("end_session ended at %s with %d:\n%s", final, status, body)
	}
}

func assertRefusalPage(t *testing.T, method string, status int, body, msg string) {
	t.Helper()
	if status != http.StatusBadRequest {
		t.Fatalf("%s: status = %d, want 400; body:\n%s", method, status, body)
	}
	if !strings.Contains(body, msg) {
		t.Fatalf("%s: page lacks %q:\n%s", method, msg, body)
	}
	if strings.Contains(body, "<form") {
		t.Fatalf("%s: page offers a form for an unusable request:\n%s", method, body)
	}
}
