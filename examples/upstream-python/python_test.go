// Package upstreampython_test runs the Python example behind a real
// Lockbox.
package upstreampython_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/lockbox-gw/lockbox/examples/internal/upstreamtest"
)

// debianPackages are what server.py imports beyond the standard library.
var debianPackages = []string{"python3-jwt", "python3-cryptography"}

// TestBehindLockbox runs server.py behind a real Lockbox and feeds it
// the hostile tokens every example must refuse.
func TestBehindLockbox(t *testing.T) {
	python := interpreter(t)
	upstreamtest.Exercise(t, func(issuer, audience string) string {
		return upstreamtest.StartApp(t, ".", issuer, audience, python, "server.py")
	})
}

// interpreter returns a Python that imports PyJWT with its crypto extra:
// $PYTHON, python3 on the PATH or Debian's /usr/bin/python3 (which sees
// Debian's packages when the PATH's python3 is another build). As root it
// installs the Debian packages if none does; otherwise it fails with the
// command to run.
func interpreter(t *testing.T) string {
	t.Helper()
	candidates := []string{"python3", "/usr/bin/python3"}
	if p := os.Getenv("PYTHON"); p != "" {
		candidates = []string{p}
	}
	for _, p := range candidates {
		if canVerify(p) {
			return p
		}
	}
	install := append([]string{"apt-get", "install", "-y", "-qq", "--no-install-recommends"}, debianPackages...)
	if os.Geteuid() != 0 {
		t.Fatalf("no python3 imports jwt with ES256 support: install it with sudo apt-get install -y %s (or pip install \"pyjwt[crypto]\" and set PYTHON)", debianPackages)
	}
	t.Logf("installing %v", debianPackages)
	for _, args := range [][]string{{"apt-get", "update", "-qq"}, install} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	if !canVerify("/usr/bin/python3") {
		t.Fatalf("/usr/bin/python3 still cannot import jwt with ES256 support after installing %v", debianPackages)
	}
	return "/usr/bin/python3"
}

// canVerify reports whether python imports PyJWT and can use ES256 keys.
func canVerify(python string) bool {
	err := exec.Command(python, "-c", "import jwt, jwt.algorithms; jwt.algorithms.ECAlgorithm").Run()
	return err == nil
}
