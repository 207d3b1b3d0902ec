package email

import (
	"context"
	"errors"
	"net/textproto"
	"strings"

	mail "github.com/wneessen/go-mail"
)

// Error is why Send failed. Its text never holds the SMTP password.
type Error struct {
	// Permanent reports that sending the same message again cannot
	// succeed: the message is invalid, or the server refused this
	// recipient or this message with a 5xx reply. Everything else (the
	// server is down, slow, busy (4xx), refuses the login, TLS or the
	// sender address) is temporary, so mail queued while the
	// configuration is wrong goes out once it is fixed.
	Permanent bool
	// Code is the server's SMTP reply code, or 0 when it gave none.
	Code int

	text  string
	cause error
}

// Error returns a one-line description.
func (e *Error) Error() string { return e.text }

// Unwrap returns context.Canceled or context.DeadlineExceeded when the
// caller's context ended the send, else nil: the underlying errors are
// not exposed, so no unredacted text escapes.
func (e *Error) Unwrap() error { return e.cause }

// IsPermanent reports whether err is an *Error that retrying cannot fix.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// invalid is the error for a message that cannot be sent at all.
func invalid(err error) *Error {
	return &Error{Permanent: true, text: "email not sent: " + err.Error()}
}

// failure builds the Error for a failed send to rcpt.
func (s *Sender) failure(ctx context.Context, rcpt string, err error) *Error {
	code, permanent := classify(err)
	e := &Error{Permanent: permanent, Code: code}
	detail := s.redact(oneLine(err.Error()))
	if ctxErr := ctx.Err(); ctxErr != nil {
		e.Permanent, e.cause = false, ctxErr
		detail = ctxErr.Error()
	}
	e.text = "email to " + rcpt + " via " + s.cfg.addr() + ": " + detail
	return e
}

// classify finds the server's reply code in err and whether it refuses
// this message for good.
func classify(err error) (code int, permanent bool) {
	var se *mail.SendError
	if errors.As(err, &se) {
		code = se.ErrorCode()
		switch se.Reason {
		case mail.ErrGetSender, mail.ErrGetRcpts:
			return code, true
		case mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose:
			return code, code/100 == 5
		}
		return code, false
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code, false
	}
	return 0, false
}

// redact removes the password from text, however it got there.
func (s *Sender) redact(text string) string {
	if s.cfg.Password == "" {
		return text
	}
	return strings.ReplaceAll(text, s.cfg.Password, "[redacted]")
}
