package caddymodule

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// healthPath is the admin API route of the health report.
const healthPath = "/lockbox/health"

// serveHealth answers the health report: 200 while agents are served,
// 503 when they would be refused.
func (a *adminAPI) serveHealth(w http.ResponseWriter, r *http.Request) error {
	app, _, down := runningApp()
	if app == nil {
		httpjson.WriteError(w, down)
		return nil
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		httpjson.WriteError(w, &httpjson.StatusError{Status: http.StatusMethodNotAllowed,
			Problem: problem.New(problem.Invalid, "method_not_allowed", "the health report takes GET")})
		return nil
	}
	rep := app.Health().Check(r.Context())
	status := http.StatusOK
	if !rep.Ready {
		status = http.StatusServiceUnavailable
	}
	return httpjson.Write(w, status, rep)
}
