package email_test

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/lockbox-gw/lockbox/internal/notify/email"
)

const testFrom = "Support Access <support@vendor.example>"

// plainConfig reaches ms without TLS, which is allowed on loopback.
func plainConfig(ms *mailServer) email.Config {
	return email.Config{Host: ms.host, Port: ms.port, From: testFrom, TLS: email.TLSNone, Timeout: 5 * time.Second}
}

func newSender(t *testing.T, cfg email.Config) *email.Sender {
	t.Helper()
	s, err := email.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func simpleMessage() email.Message {
	return email.Message{
		To:      email.Address("Bob Admin", "bob@acme.example"),
		Subject: "Support access to acme granted until 29 Nov",
		Text:    "Hello Bob,\n\nhttps://app.example.com/_lockbox/admin?token=abc\n",
		HTML:    `<p>Hello Bob, <a href="https://app.example.com/_lockbox/admin?token=abc">open</a></p>`,
	}
}

func TestSendDeliversRenderedEmail(t *testing.T) {
	ms := startServer(t, serverOptions{})
	m, err := email.Render(email.KindGrantCreated, createdData())
	if err != nil {
		t.Fatal(err)
	}
	if err := newSender(t, plainConfig(ms)).Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := ms.only(t)
	if got.from != "support@vendor.example" || len(got.to) != 1 || got.to[0] != "bob@acme.example" {
		t.Fatalf("envelope from %q to %q", got.from, got.to)
	}
	p := parse(t, got.data)
	if p.from.Name != "Support Access" || p.from.Address != "support@vendor.example" {
		t.Errorf("From = %v", p.from)
	}
	if p.to.Name != "Bob Admin" || p.to.Address != "bob@acme.example" {
		t.Errorf("To = %v", p.to)
	}
	if p.subject != "Support access to acme granted until 29 Nov" {
		t.Errorf("Subject = %q", p.subject)
	}
	for name, body := range map[string]string{"text": p.text, "html": p.html} {
		if !strings.Contains(body, testLink) {
			t.Errorf("%s part lacks the link:\n%s", name, body)
		}
		if !strings.Contains(body, "read and write, with personal data") {
			t.Errorf("%s part lacks the scopes in words:\n%s", name, body)
		}
	}
	if h := p.header.Get("Auto-Submitted"); h != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", h)
	}
	if id := p.header.Get("Message-Id"); !strings.HasSuffix(id, "@vendor.example>") {
		t.Errorf("Message-ID = %q, want one in the sender's domain", id)
	}
	if p.header.Get("Date") == "" {
		t.Error("no Date header")
	}
}

func TestSendTextOnly(t *testing.T) {
	ms := startServer(t, serverOptions{})
	m := simpleMessage()
	m.HTML = ""
	if err := newSender(t, plainConfig(ms)).Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	p := parse(t, ms.only(t).data)
	if !strings.Contains(p.text, "token=abc") || p.html != "" {
		t.Fatalf("text %q html %q", p.text, p.html)
	}
}

func TestSendLogsInWithPlain(t *testing.T) {
	ms := startServer(t, serverOptions{user: "mailer", pass: "s3cret-pass"})
	cfg := plainConfig(ms)
	cfg.Username, cfg.Password = "mailer", "s3cret-pass"
	if err := newSender(t, cfg).Send(context.Background(), simpleMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := ms.only(t); got.user != "mailer" {
		t.Fatalf("logged in as %q, want mailer", got.user)
	}
}

func TestSendLoginFailureIsTemporaryAndHidesPassword(t *testing.T) {
	const password = "hunter2-very-secret"
	tests := []struct {
		name    string
		authErr error
	}{
		{name: "refused", authErr: &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}},
		// A careless server may repeat what it got; the error must not.
		{name: "echoed", authErr: errors.New("bad password " + password)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := startServer(t, serverOptions{authErr: tt.authErr})
			cfg := plainConfig(ms)
			cfg.Username, cfg.Password = "mailer", password
			err := newSender(t, cfg).Send(context.Background(), simpleMessage())
			assertTemporary(t, err)
			if strings.Contains(err.Error(), password) {
				t.Fatalf("error shows the password: %v", err)
			}
			if len(ms.messages()) != 0 {
				t.Fatal("message accepted without login")
			}
		})
	}
}

func TestSendWithoutLoginWhenRequiredIsTemporary(t *testing.T) {
	ms := startServer(t, serverOptions{user: "mailer", pass: "x-pass"})
	err := newSender(t, plainConfig(ms)).Send(context.Background(), simpleMessage())
	assertTemporary(t, err)
	assertCode(t, err, 530)
}

func TestSendClassifiesServerReplies(t *testing.T) {
	tests := []struct {
		name      string
		opts      serverOptions
		permanent bool
		code      int
	}{
		{name: "unknown recipient", opts: serverOptions{rcptErr: smtpErr(550, "no such user")}, permanent: true, code: 550},
		{name: "recipient greylisted", opts: serverOptions{rcptErr: smtpErr(451, "try again later")}, code: 451},
		{name: "message refused", opts: serverOptions{dataErr: smtpErr(554, "content rejected")}, permanent: true, code: 554},
		{name: "message deferred", opts: serverOptions{dataErr: smtpErr(452, "mailbox full for now")}, code: 452},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := startServer(t, tt.opts)
			err := newSender(t, plainConfig(ms)).Send(context.Background(), simpleMessage())
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if got := email.IsPermanent(err); got != tt.permanent {
				t.Fatalf("IsPermanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			assertCode(t, err, tt.code)
			if !strings.Contains(err.Error(), "bob@acme.example") {
				t.Errorf("error does not name the recipient: %v", err)
			}
		})
	}
}

func TestSendServerDownIsTemporary(t *testing.T) {
	cfg := email.Config{Host: "127.0.0.1", Port: closedPort(t), From: testFrom, TLS: email.TLSNone, Timeout: 2 * time.Second}
	start := time.Now()
	err := newSender(t, cfg).Send(context.Background(), simpleMessage())
	assertTemporary(t, err)
	if d := time.Since(start); d > cfg.Timeout {
		t.Fatalf("took %s, more than the %s timeout", d, cfg.Timeout)
	}
}

func TestSendSilentServerTimesOut(t *testing.T) {
	host, port := silentServer(t)
	cfg := email.Config{Host: host, Port: port, From: testFrom, TLS: email.TLSNone, Timeout: 300 * time.Millisecond}
	start := time.Now()
	err := newSender(t, cfg).Send(context.Background(), simpleMessage())
	assertTemporary(t, err)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %s with a %s timeout", d, cfg.Timeout)
	}
}

func TestSendStopsWhenContextEnds(t *testing.T) {
	host, port := silentServer(t)
	cfg := email.Config{Host: host, Port: port, From: testFrom, TLS: email.TLSNone, Timeout: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := newSender(t, cfg).Send(ctx, simpleMessage())
	assertTemporary(t, err)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v is not the context's", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %s after the context ended", d)
	}
}

func TestSendCanceledContextDoesNotConnect(t *testing.T) {
	ms := startServer(t, serverOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := newSender(t, plainConfig(ms)).Send(ctx, simpleMessage())
	assertTemporary(t, err)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v is not context.Canceled", err)
	}
}

func TestSendStartTLS(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	ms := startServer(t, serverOptions{user: "mailer", pass: "tls-pass", startTLS: serverTLS})
	cfg := email.Config{
		Host: ms.host, Port: ms.port, From: testFrom, Timeout: 5 * time.Second,
		Username: "mailer", Password: "tls-pass",
		TLSConfig: &tls.Config{RootCAs: roots},
	}
	if err := newSender(t, cfg).Send(context.Background(), simpleMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := ms.only(t)
	if !got.tls || got.user != "mailer" {
		t.Fatalf("tls %v, user %q; want an encrypted, logged-in session", got.tls, got.user)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	ms := startServer(t, serverOptions{user: "mailer", pass: "tls-pass", implicitTLS: serverTLS})
	cfg := email.Config{
		Host: ms.host, Port: ms.port, From: testFrom, TLS: email.TLSImplicit, Timeout: 5 * time.Second,
		Username: "mailer", Password: "tls-pass",
		TLSConfig: &tls.Config{RootCAs: roots},
	}
	if err := newSender(t, cfg).Send(context.Background(), simpleMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := ms.only(t)
	if !got.tls || got.user != "mailer" {
		t.Fatalf("tls %v, user %q; want an encrypted, logged-in session", got.tls, got.user)
	}
}

func TestSendRefusesUnsafeTLS(t *testing.T) {
	serverTLS, _ := selfSigned(t)
	tests := []struct {
		name string
		opts serverOptions
		mode string
	}{
		{name: "untrusted certificate", opts: serverOptions{startTLS: serverTLS}, mode: email.TLSStartTLS},
		{name: "no STARTTLS offered", opts: serverOptions{}, mode: email.TLSStartTLS},
		{name: "untrusted certificate, implicit", opts: serverOptions{implicitTLS: serverTLS}, mode: email.TLSImplicit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := startServer(t, tt.opts)
			cfg := email.Config{Host: ms.host, Port: ms.port, From: testFrom, TLS: tt.mode, Timeout: 5 * time.Second}
			err := newSender(t, cfg).Send(context.Background(), simpleMessage())
			assertTemporary(t, err)
			if len(ms.messages()) != 0 {
				t.Fatal("message sent without verified TLS")
			}
		})
	}
}

func TestSendKeepsHostileInputOutOfHeaders(t *testing.T) {
	ms := startServer(t, serverOptions{})
	s := newSender(t, plainConfig(ms))
	m, err := email.Render(email.KindGrantCreated, hostileData())
	if err != nil {
		t.Fatal(err)
	}
	direct := simpleMessage()
	direct.Subject = "Hello\r\nBcc: evil@attacker.example\r\nX-Injected: yes"
	for _, m := range []email.Message{m, direct} {
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	for _, got := range ms.messages() {
		if len(got.to) != 1 || got.to[0] != "bob@acme.example" {
			t.Errorf("envelope recipients %q", got.to)
		}
		p := parse(t, got.data)
		for _, line := range strings.Split(p.rawHead, "\r\n") {
			l := strings.ToLower(line)
			if strings.HasPrefix(l, "bcc:") || strings.HasPrefix(l, "x-injected:") {
				t.Errorf("injected header line %q", line)
			}
		}
		if strings.ContainsAny(p.subject, "\r\n") || strings.ContainsAny(p.to.Name, "\r\n") {
			t.Errorf("line break survived: subject %q, to %q", p.subject, p.to.Name)
		}
		if p.html != "" && strings.Contains(p.html, "<script>") {
			t.Errorf("HTML part carries a script tag:\n%s", p.html)
		}
	}
}

func TestSendRejectsInvalidMessage(t *testing.T) {
	ms := startServer(t, serverOptions{})
	s := newSender(t, plainConfig(ms))
	tests := []struct {
		name   string
		change func(*email.Message)
	}{
		{name: "no recipient", change: func(m *email.Message) { m.To = "" }},
		{name: "not an address", change: func(m *email.Message) { m.To = "bob" }},
		{name: "line break in recipient", change: func(m *email.Message) { m.To = "bob@acme.example\r\nBcc: evil@attacker.example" }},
		{name: "two recipients", change: func(m *email.Message) { m.To = "bob@acme.example, eve@acme.example" }},
		{name: "no subject", change: func(m *email.Message) { m.Subject = "\r\n" }},
		{name: "no text", change: func(m *email.Message) { m.Text = " " }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := simpleMessage()
			tt.change(&m)
			err := s.Send(context.Background(), m)
			if !email.IsPermanent(err) {
				t.Fatalf("error %v is not permanent", err)
			}
		})
	}
	if n := len(ms.messages()); n != 0 {
		t.Fatalf("server accepted %d invalid messages", n)
	}
}

func smtpErr(code int, msg string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
}

func assertTemporary(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("Send succeeded, want an error")
	}
	var e *email.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not *email.Error: %v", err, err)
	}
	if email.IsPermanent(err) {
		t.Fatalf("error is permanent, want temporary: %v", err)
	}
	t.Logf("error: %v", err)
}

func assertCode(t *testing.T, err error, code int) {
	t.Helper()
	var e *email.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not *email.Error: %v", err, err)
	}
	if e.Code != code {
		t.Fatalf("error %v has code %d, want %d", err, e.Code, code)
	}
}
