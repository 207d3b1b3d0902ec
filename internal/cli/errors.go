package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// APIError is an error answer of the admin API.
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Code is the API's error code, e.g. "no_active_grant"; empty when the
	// answer did not come from Lockbox.
	Code string
	// Message is the plain sentence to show.
	Message string
}

// Error returns the message.
func (e *APIError) Error() string { return e.Message }

// UsageError is a problem with the command line itself: a missing or
// malformed flag. It is caught before anything is sent.
type UsageError struct {
	Message string
}

// Error returns the message.
func (e *UsageError) Error() string { return e.Message }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Message: fmt.Sprintf(format, args...)}
}

// IsUsage reports whether err is a UsageError.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// UnreachableError means nothing answered at the admin address.
type UnreachableError struct {
	// Addr is the admin address that was tried.
	Addr string
	// Err is the network error, kept for errors.Is and debugging.
	Err error
}

// Error says that Lockbox isn't running at the address, and how to
// point elsewhere.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("Lockbox isn't running at %s (nothing answers at that admin address; point to another with --address or --config)", e.Addr)
}

// Unwrap returns the network error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// maxMessage bounds a message shown on the one error line.
const maxMessage = 300

// ParseError turns an error answer into an *APIError with one clear
// sentence: Lockbox's {"error":{"code","message"}}, Caddy's own
// {"error":"..."}, or, failing both, the status and the start of the body.
func ParseError(status int, body []byte) error {
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Error) > 0 {
		var p struct{ Code, Message string }
		if json.Unmarshal(env.Error, &p) == nil && p.Message != "" {
			return &APIError{Status: status, Code: p.Code, Message: OneLine(p.Message, maxMessage)}
		}
		var s string
		if json.Unmarshal(env.Error, &s) == nil && s != "" {
			return foreignError(status, s)
		}
	}
	return foreignError(status, string(body))
}

// foreignError describes an error answer that did not come from Lockbox's
// API: typically Caddy's admin endpoint without the Lockbox routes.
func foreignError(status int, text string) error {
	text = OneLine(text, maxMessage)
	if text == "" {
		text = http.StatusText(status)
	}
	if status == http.StatusNotFound {
		return &APIError{Status: status, Message: fmt.Sprintf("the admin endpoint has no Lockbox API (HTTP 404: %s); is it a lockbox binary with the lockbox app configured?", text)}
	}
	return &APIError{Status: status, Message: fmt.Sprintf("the admin API answered HTTP %d: %s", status, text)}
}

// caddyErrorText matches the error Caddy's admin client returns for an
// error status: "caddy responded with error: HTTP 404: <body>".
var caddyErrorText = regexp.MustCompile(`(?s)responded with error: HTTP (\d{3}): (.*)$`)

// FromAdminRequest sorts an error of Caddy's admin client (caddycmd's
// AdminAPIRequest), which reports error statuses and network failures
// alike as text: an error status becomes the status and body it carried,
// a failed request an *UnreachableError for addr, anything else stays an
// error.
func FromAdminRequest(addr string, err error) (int, []byte, error) {
	msg := err.Error()
	if m := caddyErrorText.FindStringSubmatch(msg); m != nil {
		status, _ := strconv.Atoi(m[1]) // three digits always parse
		return status, []byte(m[2]), nil
	}
	if strings.HasPrefix(msg, "performing request") {
		return 0, nil, &UnreachableError{Addr: addr, Err: err}
	}
	return 0, nil, err
}

// Line returns err as the one line the command prints before exiting:
// "lockbox: " and the message, with any line breaks or control
// characters flattened so the line stays one line.
func Line(err error) string {
	return "lockbox: " + OneLine(err.Error(), 2*maxMessage)
}

// OneLine flattens s to one line of at most max characters: control
// characters (newlines, tabs, escapes) become spaces, runs of spaces
// collapse, and a longer text ends in "…".
func OneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return clip(strings.Join(strings.Fields(s), " "), max)
}

// clip shortens s to at most max characters, marking the cut with "…".
func clip(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}
