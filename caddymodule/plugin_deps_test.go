package caddymodule_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPluginLinksNoDemo checks that a Caddy built with the plugin (xcaddy
// --with .../caddymodule) carries only the product: the development
// OpenID provider and the demo app belong to the lockbox binary's demo
// command alone.
func TestPluginLinksNoDemo(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed only %v", deps)
	}
	for _, pkg := range deps {
		for _, banned := range []string{"/internal/devidp", "/internal/demoapp"} {
			if strings.HasSuffix(pkg, banned) || strings.Contains(pkg, banned+"/") {
				t.Errorf("the plugin imports %s", pkg)
			}
		}
	}
}
