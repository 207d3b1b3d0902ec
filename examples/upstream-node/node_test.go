// Package upstreamnode_test runs the Node.js example behind a real
// Lockbox.
package upstreamnode_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/lockbox-gw/lockbox/examples/internal/upstreamtest"
)

// TestBehindLockbox runs server.mjs behind a real Lockbox and feeds it
// the hostile tokens every example must refuse.
func TestBehindLockbox(t *testing.T) {
	node := installed(t)
	upstreamtest.Exercise(t, func(issuer, audience string) string {
		return upstreamtest.StartApp(t, ".", issuer, audience, node, "server.mjs")
	})
}

// installed returns the node binary, after `npm ci` if node_modules does
// not hold the jose that package-lock.json pins.
func installed(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: install Node.js 20 or later (sudo apt-get install -y nodejs npm)")
	}
	want := lockedVersion(t)
	if installedVersion() == want {
		return node
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm is missing: install it (sudo apt-get install -y npm), then run: cd examples/upstream-node && npm ci")
	}
	t.Logf("installing jose %s: npm ci", want)
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci failed (%v); run it yourself: cd examples/upstream-node && npm ci\n%s", err, out)
	}
	if got := installedVersion(); got != want {
		t.Fatalf("after npm ci node_modules holds jose %q, the lock pins %q", got, want)
	}
	return node
}

// lockedVersion is the jose version package-lock.json pins.
func lockedVersion(t *testing.T) string {
	t.Helper()
	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	b, err := os.ReadFile("package-lock.json")
	if err == nil {
		err = json.Unmarshal(b, &lock)
	}
	v := lock.Packages["node_modules/jose"].Version
	if err != nil || v == "" {
		t.Fatalf("package-lock.json pins no jose: %v", err)
	}
	return v
}

// installedVersion is the version of node_modules/jose, or "".
func installedVersion() string {
	var pkg struct{ Version string }
	b, err := os.ReadFile("node_modules/jose/package.json")
	if err != nil || json.Unmarshal(b, &pkg) != nil {
		return ""
	}
	return pkg.Version
}
