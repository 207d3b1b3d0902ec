package caddymodule

import (
	"net/http"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// requestIDField is the access log field, and the request variable, that
// hold the id Lockbox gave an agent request: the same id the app gets in
// X-Lockbox-Request-Id and the audit events carry.
const requestIDField = "lockbox_request_id"

// logRequestID puts id into Caddy's access log entry of r and into its
// variables ({http.vars.lockbox_request_id}); nothing for "".
func logRequestID(r *http.Request, id string) {
	if id == "" {
		return
	}
	caddyhttp.SetVar(r.Context(), requestIDField, id)
	if extra, ok := r.Context().Value(caddyhttp.ExtraLogFieldsCtxKey).(*caddyhttp.ExtraLogFields); ok {
		extra.Add(zap.String(requestIDField, id))
	}
}
