package caddymodule

import (
	"net/http"
	"slices"
	"sync"
)

// Caddy swaps its admin server on every config load and stops the old
// one in the background, so for a moment both accept requests on the
// same listener. The ops API therefore answers from the lockbox app that
// is running, not from the config its admin server was provisioned with:
// a request sent right after a reload never sees the previous config.
var (
	runningMu sync.Mutex
	// runningApps are the started and not yet stopped apps, oldest first.
	// While a new config starts, the old one is still running; when a new
	// config fails to start, Caddy stops it and the old one stays.
	runningApps []*App
	// latestDown is the answer while no app runs, as the newest admin
	// endpoint was provisioned to give it: the one a load just made, not
	// the one being replaced.
	latestDown error = errNotConfigured
)

// markRunning notes that app started.
func markRunning(app *App) {
	runningMu.Lock()
	defer runningMu.Unlock()
	runningApps = append(runningApps, app)
}

// markStopped notes that app stopped.
func markStopped(app *App) {
	runningMu.Lock()
	defer runningMu.Unlock()
	runningApps = slices.DeleteFunc(runningApps, func(a *App) bool { return a == app })
}

// runningApp returns the newest running app and its ops API; without
// an ops API, what to answer instead.
func runningApp() (*App, http.Handler, error) {
	runningMu.Lock()
	defer runningMu.Unlock()
	if len(runningApps) == 0 {
		return nil, nil, latestDown
	}
	app := runningApps[len(runningApps)-1]
	if app.ops == nil {
		return app, nil, errNotRunning
	}
	return app, app.ops, nil
}

// setDown notes what the newest admin endpoint answers while no app runs.
func setDown(err error) {
	runningMu.Lock()
	defer runningMu.Unlock()
	latestDown = err
}

// setOps gives app, not yet running, its ops API.
func setOps(app *App, ops http.Handler) {
	runningMu.Lock()
	defer runningMu.Unlock()
	app.ops = ops
}
