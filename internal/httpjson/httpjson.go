// Package httpjson holds what Lockbox's JSON APIs share: strict reading
// of JSON request bodies, query parameters (pages, audit queries) and the
// path's tenant; routing with JSON 404 and 405 answers; and writing JSON
// responses and problem errors. A Responder adapts an API's endpoints and
// logs the causes of its 5xx answers to the logger the API gives;
// nothing else here logs.
package httpjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// StatusError is a problem whose HTTP status is not one a problem.Kind
// names, such as 405 or 413.
type StatusError struct {
	// Status is the HTTP status to answer with.
	Status int
	// Problem is the code and message shown to the caller.
	Problem *problem.Error
}

// WithStatus returns p to be answered with status.
func WithStatus(status int, p *problem.Error) *StatusError {
	return &StatusError{Status: status, Problem: p}
}

// Error returns the problem's message.
func (e *StatusError) Error() string { return e.Problem.Error() }

// Unwrap returns the problem, so problem.As finds its code and message.
func (e *StatusError) Unwrap() error { return e.Problem }

// Status returns the HTTP status for err: a StatusError's own, else
// problem.Status.
func Status(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return problem.Status(err)
}

// errorBody is the shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// WriteError answers with err as {"error":{"code","message"}} and the
// status Status gives. Only a problem's code and message are shown; any
// other error becomes "internal" with no text of its own.
func WriteError(w http.ResponseWriter, err error) {
	p := problem.As(err)
	// An error body always encodes, so there is nothing to report.
	_ = Write(w, Status(err), errorBody{Error: errorDetail{Code: p.Code, Message: p.Message}})
}

// Write answers with status and v encoded as JSON. If v cannot be encoded
// it answers 500 "internal" instead and returns the encoding error; write
// errors (the client went away) are not reported.
func Write(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		WriteError(w, err)
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	problem.SetRetryAfter(h, status)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}
