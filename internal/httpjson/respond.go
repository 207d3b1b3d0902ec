package httpjson

import (
	"net/http"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// Endpoint is one route's work: it answers, or returns an error that
// becomes the answer.
type Endpoint func(w http.ResponseWriter, r *http.Request) error

// Responder serves the endpoints of one JSON API and answers for them,
// logging the cause of every 5xx answer once. Causes of 4xx answers are
// the caller's mistakes and are not logged.
type Responder struct {
	// API names the API at the start of log messages, as in
	// "ops api request failed".
	API string
	// Logger gets the causes; nil logs nothing.
	Logger *zap.Logger
}

// Handle adapts e to net/http; an error e returns is answered by Fail.
func (s Responder) Handle(e Endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := e(w, r); err != nil {
			s.Fail(w, r, err)
		}
	})
}

// Route returns a Route serving e on method and pattern.
func (s Responder) Route(method, pattern string, e Endpoint) Route {
	return Route{Method: method, Pattern: pattern, Handler: s.Handle(e)}
}

// Fail answers with err as WriteError does, logging the cause when the
// fault is the server's.
func (s Responder) Fail(w http.ResponseWriter, r *http.Request, err error) {
	if status := Status(err); status >= http.StatusInternalServerError && s.Logger != nil {
		p := problem.As(err)
		s.Logger.Error(s.API+" request failed",
			zap.String("method", r.Method),
			zap.String("path", r.URL.Path),
			zap.Int("status", status),
			zap.String("code", p.Code),
			zap.NamedError("cause", p.Cause))
	}
	WriteError(w, err)
}

// Reply answers with status and v as Write does, logging an encoding
// failure like any 5xx. It returns nil, so an endpoint can end with it.
func (s Responder) Reply(w http.ResponseWriter, r *http.Request, status int, v any) error {
	if err := Write(w, status, v); err != nil && s.Logger != nil {
		s.Logger.Error(s.API+" response not encodable", zap.String("path", r.URL.Path), zap.Error(err))
	}
	return nil
}
