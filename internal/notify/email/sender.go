package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"

	mail "github.com/wneessen/go-mail"
)

// Sender delivers messages through one SMTP server, opening a connection
// per message. It is safe for concurrent use.
type Sender struct {
	cfg  Config
	from *netmail.Address
	tls  *tls.Config
}

// New checks cfg and returns a Sender for it. It does not connect.
func New(cfg Config) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp from %q: %v", clip(cfg.From), err)
	}
	return &Sender{cfg: cfg, from: from, tls: tlsConfig(cfg)}, nil
}

// Send delivers m. The connection is closed as soon as ctx ends; Timeout
// bounds connecting and each SMTP command. Once the server has accepted
// the message Send returns nil, even if saying goodbye fails, so a retry
// does not send it twice. Errors are *Error; see IsPermanent.
func (s *Sender) Send(ctx context.Context, m Message) error {
	to, err := m.check()
	if err != nil {
		return invalid(err)
	}
	msg := s.compose(m, to)
	if err := ctx.Err(); err != nil {
		return &Error{text: "email to " + to.Address + ": " + err.Error(), cause: err}
	}
	a := &attempt{ctx: ctx, tls: s.tlsForDial()}
	defer a.close()
	client, err := mail.NewClient(s.cfg.Host, s.options(a)...)
	if err != nil {
		return s.failure(ctx, to.Address, err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return s.failure(ctx, to.Address, err)
	}
	err = client.SendWithSMTPClient(conn, msg)
	if msg.IsDelivered() {
		_ = client.CloseWithSMTPClient(conn)
		return nil
	}
	if err == nil {
		err = errors.New("the server did not take the message")
	}
	return s.failure(ctx, to.Address, err)
}

// options configure go-mail for one attempt. Implicit TLS is done by the
// attempt's dialer, so go-mail itself only ever upgrades with STARTTLS.
func (s *Sender) options(a *attempt) []mail.Option {
	policy := mail.NoTLS
	if s.cfg.TLS == TLSStartTLS {
		policy = mail.TLSMandatory
	}
	opts := []mail.Option{
		mail.WithPort(s.cfg.Port),
		mail.WithTimeout(s.cfg.Timeout),
		mail.WithTLSConfig(s.tls),
		mail.WithTLSPolicy(policy),
		mail.WithDialContextFunc(a.dial),
	}
	return append(opts, s.authOptions()...)
}

// authOptions log in with PLAIN, else LOGIN. Both send the password as
// is, which is why they are offered only under TLS or to a loopback host.
func (s *Sender) authOptions() []mail.Option {
	if s.cfg.Username == "" {
		return nil
	}
	mechs := []mail.SMTPAuthType{mail.SMTPAuthPlain, mail.SMTPAuthLogin}
	if s.cfg.TLS == TLSNone {
		mechs = []mail.SMTPAuthType{mail.SMTPAuthPlainNoEnc, mail.SMTPAuthLoginNoEnc}
	}
	return []mail.Option{
		mail.WithUsername(s.cfg.Username),
		mail.WithPassword(s.cfg.Password),
		mail.WithOpportunisticSMTPAuth(mechs...),
	}
}

// tlsForDial is the config for implicit TLS, nil otherwise.
func (s *Sender) tlsForDial() *tls.Config {
	if s.cfg.TLS == TLSImplicit {
		return s.tls
	}
	return nil
}

// tlsConfig is cfg.TLSConfig (or a new one) naming Host and requiring
// TLS 1.2 or later.
func tlsConfig(cfg Config) *tls.Config {
	t := &tls.Config{}
	if cfg.TLSConfig != nil {
		t = cfg.TLSConfig.Clone()
	}
	if t.ServerName == "" {
		t.ServerName = cfg.Host
	}
	if t.MinVersion < tls.VersionTLS12 {
		t.MinVersion = tls.VersionTLS12
	}
	return t
}
