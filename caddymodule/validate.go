package caddymodule

import (
	"context"
	"os"
	"strings"
	"sync"
)

// validating reports whether this process runs the validate command, in
// which the app checks that its store answers: a config whose store is
// unreachable must not be called valid. A running server starts without
// its store (agents are refused until it answers; other traffic flows),
// so only validate treats it as an error.
var validating = sync.OnceValue(func() bool {
	for _, arg := range os.Args[1:] {
		if !strings.HasPrefix(arg, "-") {
			return arg == "validate"
		}
	}
	return false
})

// checkStoreReachable probes the store when validating.
func (a *App) checkStoreReachable() error {
	if !validating() {
		return nil
	}
	return a.CheckReachable(context.Background())
}
