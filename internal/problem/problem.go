// Package problem carries errors meant for the person or program that made
// a request: a stable code, a plain message, and the kind of failure, which
// the HTTP layers turn into a status.
package problem

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies a problem.
type Kind int

// Kinds of problem.
const (
	// Invalid input: 400.
	Invalid Kind = iota + 1
	// NotFound: 404.
	NotFound
	// Conflict with the current state: 409.
	Conflict
	// Forbidden: 403.
	Forbidden
	// Unavailable: a dependency (the store) cannot be reached: 503.
	Unavailable
)

// Error is a problem with a code and a message fit to show. It never
// carries internal error text; Cause keeps that for logs.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Cause   error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the internal cause, for logs and errors.Is.
func (e *Error) Unwrap() error { return e.Cause }

// New returns a problem of kind k.
func New(k Kind, code, format string, args ...any) *Error {
	return &Error{Kind: k, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Store wraps a backend failure: the caller sees that the store is
// unreachable, the log sees why.
func Store(err error) *Error {
	return &Error{Kind: Unavailable, Code: "store_unavailable", Message: "the Lockbox store cannot be reached; try again shortly", Cause: err}
}

// As returns err as a problem; anything else becomes an internal error
// whose text is not shown.
func As(err error) *Error {
	var p *Error
	if errors.As(err, &p) {
		return p
	}
	return &Error{Code: "internal", Message: "internal error", Cause: err}
}

// Status returns the HTTP status for err.
func Status(err error) int {
	switch As(err).Kind {
	case Invalid:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Forbidden:
		return http.StatusForbidden
	case Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
