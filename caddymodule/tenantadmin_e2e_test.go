package caddymodule_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/emersion/go-smtp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// e2eAPIKey is the app's key for the app API; it comes from the
// environment, as it would in production.
const e2eAPIKey = "tenant-admin-e2e-api-key-0123456789"

// notifyWithin bounds the wait for a notification: each webhook is
// refused twice first, and the notifier looks for due retries every 2s.
const notifyWithin = 30 * time.Second

// TestTenantAdminThroughCaddy runs the tenant admin's side through a real
// lockbox process: the app registers admins and grants through the app
// API, an agent enters and is cut off by a revocation from the CLI, and
// every change reaches the webhook receiver (exactly once per message
// despite failures) and each admin's mailbox with the admin's own link,
// which opens the Support Access page.
func TestTenantAdminThroughCaddy(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	secret := notify.NewSecret()
	hooks := startHookReceiver(t, secret, 2)
	box := startMailbox(t)
	upstream := startEchoApp(t)
	g := newGatewayProc(t, bin)
	idp := startIdP(t, []*gatewayProc{g})
	g.env = append(g.env, "LOCKBOX_API_KEY="+e2eAPIKey, "LOCKBOX_WEBHOOK_SECRET="+secret)
	g.launchWith(tenantAdminCaddyfile, tenantAdminConfig{
		Admin: g.admin, Port: g.port, IdP: idp.Issuer(), Upstream: upstream.hostport(),
		DB: t.TempDir() + "/lockbox.db", Hook: hooks.srv.URL + "/hooks/lockbox", SMTP: box.addr,
	})
	api := appAPI{t: t, base: g.site + "/_lockbox/api/v1", key: e2eAPIKey}

	if status, body := (appAPI{t: t, base: api.base, key: "not-the-key-of-this-app"}).call(http.MethodGet, "/tenants/acme/grants", nil); status != http.StatusUnauthorized {
		t.Fatalf("a wrong API key got %d, want 401: %s", status, body)
	}
	api.must(http.MethodPut, "/tenants/acme/admins", http.StatusOK, nil, map[string]any{"admins": []map[string]string{
		{"id": "ana", "email": "ana@example.com", "name": "Ana", "role": "owner"},
		{"id": "ben", "email": "ben@example.com", "name": "Ben", "role": "admin"},
	}})
	var gr grantJSON
	api.must(http.MethodPost, "/tenants/acme/grants", http.StatusCreated, &gr, map[string]any{
		"scopes": []string{"read"}, "duration": "7d", "note": "ticket 42", "admin": map[string]string{"id": "ana"},
	})

	created := box.waitFor(t, "granted", 2)
	links := wantOwnLinks(t, created, gr.ID)
	hooks.waitFor(t, "grant.created", 1)

	alice := newAgentBrowser(t, g.site)
	alice.loginConsole("alice")
	alice.enter("acme")
	hooks.waitFor(t, "session.started", 1)

	g.revoke("acme", "ticket closed")
	if p := alice.get("/orders"); p.status != http.StatusForbidden {
		t.Fatalf("after the revocation the agent got %d, want 403", p.status)
	}
	box.waitFor(t, "revoked", 2)
	hooks.waitFor(t, "grant.revoked", 1)
	hooks.waitFor(t, "session.ended", 1)

	page := newAgentBrowser(t, g.site).openAdminLink(links["ben@example.com"])
	if page.status != http.StatusOK || page.url.Path != "/_lockbox/admin" || page.url.RawQuery != "" {
		t.Fatalf("ben's link ended at %s with %d: %.400s", page.url, page.status, page.body)
	}
	wantContains(t, page.body, `id="grants"`, "revoked", "ticket closed", "ticket 42")
	hooks.wantEachOnce(t, gr.ID)
	if out := g.out.String(); strings.Contains(out, `"level":"error"`) {
		t.Errorf("lockbox logged errors:\n%s", out)
	}
}

// tenantAdminConfig fills tenantAdminCaddyfile.
type tenantAdminConfig struct {
	Admin, IdP, Upstream, DB, Hook, SMTP string
	Port                                 int
	// Global and Site are more lines for the lockbox global block and
	// the site's lockbox block; Scopes are the support role's (read).
	Global, Site, Scopes string
}

// tenantAdminCaddyfile turns on the app API, a webhook and email, with
// retries a fraction of a second apart so the test need not wait long.
var tenantAdminCaddyfile = template.Must(template.New("Caddyfile").Parse(`{
	admin {{.Admin}}
	default_bind 127.0.0.1
	http_port {{.Port}}
	lockbox {
		storage bolt {{.DB}}
		api_key {env.LOCKBOX_API_KEY}
		webhook {{.Hook}} {
			secret {env.LOCKBOX_WEBHOOK_SECRET}
		}
		smtp {{.SMTP}} {
			from "Support Access <support@example.com>"
			tls none
		}
		notify_backoff 100ms
		{{.Global}}
	}
}

http://127.0.0.1:{{.Port}} {
	lockbox {
		oidc {{.IdP}} {
			client_id ` + e2eClientID + `
			client_secret {env.OIDC_CLIENT_SECRET}
		}
		role support groups support scopes {{or .Scopes "read"}}
		{{.Site}}
	}
	reverse_proxy {{.Upstream}}
}
`))

// appAPI calls the app API through Caddy, as the upstream app would.
type appAPI struct {
	t         *testing.T
	base, key string
}

// call sends body as JSON and returns the status and the answer.
func (a appAPI) call(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var in io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		in = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.base+path, in)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: runTimeout}).Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// must makes a call that must answer want, decoding the answer into v
// when it is not nil.
func (a appAPI) must(method, path string, want int, v, body any) {
	a.t.Helper()
	status, out := a.call(method, path, body)
	if status != want {
		a.t.Fatalf("%s %s: %d, want %d: %s", method, path, status, want, out)
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			a.t.Fatalf("%s %s: %v\n%s", method, path, err, out)
		}
	}
}

// adminLinkPattern finds the Support Access link in an email's text.
var adminLinkPattern = regexp.MustCompile(`http://\S+/_lockbox/admin\?token=\S+`)

// wantOwnLinks checks that each admin got one grant.created email about
// grantID with a link signed for that admin, and returns the links by
// address.
func wantOwnLinks(t *testing.T, mails []receivedMail, grantID string) map[string]string {
	t.Helper()
	ids := map[string]string{"ana@example.com": "ana", "ben@example.com": "ben"}
	links := map[string]string{}
	for _, m := range mails {
		link := adminLinkPattern.FindString(m.text)
		if link == "" {
			t.Fatalf("the email to %s has no Support Access link:\n%s", m.to, m.text)
		}
		if c := linkClaims(t, link); c.Sub != ids[m.to] || c.Tenant != "acme" {
			t.Fatalf("the link mailed to %s is for %q of %q", m.to, c.Sub, c.Tenant)
		}
		if !strings.Contains(m.subject, "acme") || !strings.Contains(m.text, "ticket 42") {
			t.Fatalf("the email to %s does not tell of grant %s: %q\n%s", m.to, grantID, m.subject, m.text)
		}
		links[m.to] = link
	}
	if len(links) != 2 {
		t.Fatalf("grant.created emails went to %v, want ana and ben once each", links)
	}
	return links
}

// linkClaims reads, without verifying, the claims of a link's token.
func linkClaims(t *testing.T, link string) (c struct{ Sub, Tenant string }) {
	t.Helper()
	token := link[strings.Index(link, "token=")+len("token="):]
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("link token %q is not a JWT", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("link token payload: %v", err)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("link token claims: %v", err)
	}
	return c
}

// hookReceiver is the app's webhook endpoint: it verifies every request
// with the Standard Webhooks library and refuses the first attempts of
// each message with 503, as an app in trouble would.
type hookReceiver struct {
	srv    *httptest.Server
	wh     *standardwebhooks.Webhook
	refuse int // attempts of each message answered 503

	mu        sync.Mutex
	attempts  map[string]int // by webhook-id
	delivered []hook         // answered 204, in order
	forged    int            // requests that failed verification
}

// hook is one accepted webhook.
type hook struct {
	ID   string
	Type string `json:"type"`
	Data struct {
		Tenant string `json:"tenant"`
		Grant  struct {
			ID string `json:"id"`
		} `json:"grant"`
		Session struct {
			ID    string `json:"id"`
			Grant string `json:"grant"`
		} `json:"session"`
		Request struct {
			ID    string `json:"id"`
			State string `json:"state"`
		} `json:"request"`
		ReviewURL string `json:"review_url"`
	} `json:"data"`
}

func startHookReceiver(t *testing.T, secret string, refuse int) *hookReceiver {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	h := &hookReceiver{wh: wh, refuse: refuse, attempts: map[string]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	var got hook
	if err == nil {
		err = h.wh.Verify(body, r.Header)
	}
	if err == nil {
		err = json.Unmarshal(body, &got)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		h.forged++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	got.ID = r.Header.Get("webhook-id")
	h.attempts[got.ID]++
	if h.attempts[got.ID] <= h.refuse {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	h.delivered = append(h.delivered, got)
	w.WriteHeader(http.StatusNoContent)
}

// ofType returns the accepted webhooks of type typ.
func (h *hookReceiver) ofType(typ string) []hook {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []hook
	for _, d := range h.delivered {
		if d.Type == typ {
			out = append(out, d)
		}
	}
	return out
}

// waitFor waits until n webhooks of type typ were accepted.
func (h *hookReceiver) waitFor(t *testing.T, typ string, n int) []hook {
	t.Helper()
	testkit.EventuallyWithin(t, notifyWithin, func() bool { return len(h.ofType(typ)) >= n }, "%d %s webhooks", n, typ)
	return h.ofType(typ)
}

// wantEachOnce checks the whole conversation: every request was genuine,
// every message was accepted once, after exactly the refused attempts
// and one more, and each is about the grant.
func (h *hookReceiver) wantEachOnce(t *testing.T, grantID string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.forged != 0 {
		t.Errorf("%d webhook requests failed verification", h.forged)
	}
	seen := map[string]bool{}
	var types []string
	for _, d := range h.delivered {
		if seen[d.ID] || h.attempts[d.ID] != h.refuse+1 {
			t.Errorf("webhook %s (%s) accepted again or after %d attempts", d.ID, d.Type, h.attempts[d.ID])
		}
		seen[d.ID] = true
		types = append(types, d.Type)
		if d.Data.Tenant != "acme" || d.Data.Grant.ID+d.Data.Session.Grant != grantID {
			t.Errorf("webhook %s is about %+v, want grant %s of acme", d.Type, d.Data, grantID)
		}
	}
	if want := "grant.created grant.revoked session.ended session.started"; sortedWords(types) != want {
		t.Errorf("webhooks accepted: %v, want one each of %s", types, want)
	}
}

// sortedWords joins words in order.
func sortedWords(words []string) string {
	out := slices.Clone(words)
	slices.Sort(out)
	return strings.Join(out, " ")
}

// mailbox is a real SMTP server on loopback that keeps every message.
type mailbox struct {
	addr string
	mu   sync.Mutex
	got  []receivedMail
}

// receivedMail is an accepted message, decoded as a mail client would.
type receivedMail struct {
	to            string // the envelope recipient
	subject, text string
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	b := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &mailSession{box: b}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = runTimeout, runTimeout
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return b
}

// matching returns the messages whose subject holds word.
func (b *mailbox) matching(word string) []receivedMail {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []receivedMail
	for _, m := range b.got {
		if strings.Contains(m.subject, word) {
			out = append(out, m)
		}
	}
	return out
}

// waitFor waits until n messages with word in their subject arrived and
// then checks that no more do, once the others have arrived.
func (b *mailbox) waitFor(t *testing.T, word string, n int) []receivedMail {
	t.Helper()
	testkit.EventuallyWithin(t, notifyWithin, func() bool { return len(b.matching(word)) >= n }, "%d emails about %q", n, word)
	if got := b.matching(word); len(got) != n {
		t.Fatalf("%d emails about %q, want %d", len(got), word, n)
	}
	return b.matching(word)
}

// mailSession records one SMTP session's message.
type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	subject, text, err := decodeMail(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	for _, to := range s.to {
		s.box.got = append(s.box.got, receivedMail{to: to, subject: subject, text: text})
	}
	return nil
}

func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

// decodeMail returns a message's subject and plain-text body.
func decodeMail(r io.Reader) (subject, text string, err error) {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return "", "", err
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return "", "", err
	}
	kind, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(kind, "multipart/") {
		return "", "", fmt.Errorf("content type %q is not multipart", msg.Header.Get("Content-Type"))
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := parts.NextPart() // decodes quoted-printable itself
		if err != nil {
			return "", "", fmt.Errorf("no text/plain part: %v", err)
		}
		if strings.HasPrefix(part.Header.Get("Content-Type"), "text/plain") {
			body, err := io.ReadAll(part)
			return subject, string(body), err
		}
	}
}
