package upstreamtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/testkit/outbuf"
)

// StartApp runs an example app, interpreter script, in dir with the
// issuer, audience and a listen address of its own in its environment,
// and returns its URL once GET / answers. The app is killed when the test
// ends; its output is logged if the test failed.
func StartApp(t *testing.T, dir, issuer, audience, interpreter, script string) string {
	t.Helper()
	// Reading the script here lets go test's cache see it change: the
	// interpreter's own reads are not the test's.
	if _, err := os.ReadFile(filepath.Join(dir, script)); err != nil {
		t.Fatal(err)
	}
	name := interpreter
	addr := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	cmd := exec.Command(interpreter, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LOCKBOX_ISSUER="+issuer, "LOCKBOX_AUDIENCE="+audience, "LISTEN="+addr)
	out := &outbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out)
		}
	})
	WaitAnswer(t, "http://"+addr+"/", exited)
	return "http://" + addr
}
