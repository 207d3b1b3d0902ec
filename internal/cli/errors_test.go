package cli

import (
	"errors"
	"strings"
	"testing"
)

func TestParseError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		code   string
		msg    string
	}{
		{name: "lockbox problem", status: 404, body: `{"error":{"code":"no_active_grant","message":"tenant acme has no active grant"}}`, code: "no_active_grant", msg: "tenant acme has no active grant"},
		{name: "message flattened", status: 400, body: `{"error":{"code":"x","message":"two\nlines\u001b[31m"}}`, code: "x", msg: "two lines [31m"},
		{name: "caddy error", status: 400, body: `{"error":"loading config: bad"}` + "\n", msg: "the admin API answered HTTP 400: loading config: bad"},
		{name: "caddy not found", status: 404, body: `{"error":"resource not found"}`, msg: "the admin endpoint has no Lockbox API (HTTP 404: resource not found)"},
		{name: "plain text", status: 502, body: "bad gateway\n", msg: "the admin API answered HTTP 502: bad gateway"},
		{name: "empty body", status: 503, body: "", msg: "the admin API answered HTTP 503: Service Unavailable"},
		{name: "error object without message", status: 500, body: `{"error":{"code":"internal"}}`, msg: `the admin API answered HTTP 500: {"error":{"code":"internal"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *APIError
			if !errors.As(ParseError(tt.status, []byte(tt.body)), &e) {
				t.Fatal("not an *APIError")
			}
			if e.Status != tt.status || e.Code != tt.code || !strings.HasPrefix(e.Message, tt.msg) {
				t.Fatalf("got %d %q %q, want %d %q %q…", e.Status, e.Code, e.Message, tt.status, tt.code, tt.msg)
			}
		})
	}
}

func TestParseErrorClipsLongBodies(t *testing.T) {
	err := ParseError(500, []byte(strings.Repeat("x", 5000)))
	if n := len([]rune(err.Error())); n > maxMessage+60 {
		t.Fatalf("message is %d characters long", n)
	}
}

func TestFromAdminRequest(t *testing.T) {
	status, body, err := FromAdminRequest("localhost:2019", errors.New(`caddy responded with error: HTTP 409: {"error":{"code":"grant_ended","message":"ended"}}`))
	if err != nil || status != 409 || string(body) != `{"error":{"code":"grant_ended","message":"ended"}}` {
		t.Fatalf("error status: %d %q %v", status, body, err)
	}

	netErr := errors.New("performing request: dial tcp 127.0.0.1:1: connect: connection refused")
	_, _, err = FromAdminRequest("127.0.0.1:1", netErr)
	var u *UnreachableError
	if !errors.As(err, &u) || u.Addr != "127.0.0.1:1" || !errors.Is(err, netErr) {
		t.Fatalf("network failure: %v", err)
	}
	if got := Line(err); !strings.HasPrefix(got, "lockbox: Lockbox isn't running at 127.0.0.1:1 ") {
		t.Fatalf("line = %q", got)
	}

	other := errors.New("invalid admin address nope: missing port")
	if _, _, err := FromAdminRequest("nope", other); err != other {
		t.Fatalf("other error became %v", err)
	}
}

func TestLineIsOneLine(t *testing.T) {
	got := Line(errors.New("first\nsecond\tthird\r\n"))
	if got != "lockbox: first second third" {
		t.Fatalf("Line = %q", got)
	}
}

func TestUsage(t *testing.T) {
	if !IsUsage(Usagef("--tenant is required")) || IsUsage(errors.New("x")) || IsUsage(&APIError{Message: "x"}) {
		t.Fatal("IsUsage misclassifies")
	}
}
