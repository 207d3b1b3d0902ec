package caddymodule_test

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	adminLinkLine = regexp.MustCompile(`(?m)^  (http://127\.0\.0\.1:\d+/_lockbox/admin\?token=\S+)$`)
	openForm      = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
)

// adminLink returns the Support Access link the banner prints.
func (d *demoProcess) adminLink() string {
	d.t.Helper()
	m := adminLinkLine.FindStringSubmatch(d.out.String())
	if m == nil {
		d.t.Fatalf("banner prints no Support Access link:\n%s", d.out)
	}
	return m[1]
}

// openAdminLink opens a Support Access link as a person does in a
// browser: the GET shows a Continue button and changes nothing; pressing
// it posts the token and lands on the page.
func openAdminLink(t *testing.T, b *browser, link string) page {
	t.Helper()
	shown := b.get(link)
	wantPage(t, "Support Access link", shown, http.StatusOK, "Continue")
	m := openForm.FindStringSubmatch(shown.body)
	if m == nil {
		t.Fatalf("the link's page has no form to post:\n%s", shown.body)
	}
	action := shown.url.ResolveReference(mustURL(t, html.UnescapeString(m[1])))
	origin := shown.url.Scheme + "://" + shown.url.Host
	return b.post(action.String(), origin, url.Values{"token": {hiddenField(t, shown, "token")}})
}

// suggested returns the commands the banner suggests: its lines that
// start with prefix and a space, without their indent.
func (d *demoProcess) suggested(prefix string) []string {
	var out []string
	for _, line := range strings.Split(d.out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "  "+prefix+" "); ok {
			out = append(out, prefix+" "+rest)
		}
	}
	return out
}

// suggestedWant is what each suggested command must print, by its
// subcommand, in the banner's order; the audit shows the reason the
// revoke was given in quotes, so the shell read the quoting as printed.
var suggestedWant = []struct{ cmd, want string }{
	{"grant list", "acme"},
	{"grant create", "Granted support access to tenant acme."},
	{"grant revoke", "Revoked grant"},
	{"audit", `reason="demo over"`},
	{"link", "/_lockbox/admin?token="},
}

// runSuggested runs each command the banner suggests as a shell reads it
// (sh -c line, in dir, with prelude defining shell functions), and
// checks it succeeds and prints what it should. It returns the output of
// the link command.
func runSuggested(t *testing.T, lines []string, prefix, prelude, dir string, env []string) string {
	t.Helper()
	if len(lines) != len(suggestedWant) {
		t.Fatalf("the banner suggests %d commands starting with %q, want %d: %q", len(lines), prefix, len(suggestedWant), lines)
	}
	var link string
	for i, line := range lines {
		w := suggestedWant[i]
		if !strings.HasPrefix(line, prefix+" "+w.cmd+" ") {
			t.Fatalf("suggested command %d is %q, want %s %s", i, line, prefix, w.cmd)
		}
		stdout, stderr, code := shell(t, runTimeout, prelude+line, dir, env)
		if code != 0 || !strings.Contains(stdout, w.want) {
			t.Fatalf("%s\nexit %d, want 0 and %q\nstdout: %s\nstderr: %s", line, code, w.want, stdout, stderr)
		}
		if w.cmd == "link" {
			link = strings.TrimSpace(stdout)
		}
	}
	return link
}

// goRunTimeout bounds the real go run, which links a whole binary on a
// cold cache.
const goRunTimeout = 5 * time.Minute

// shell runs script with sh -c in dir, for at most limit.
func shell(t *testing.T, limit time.Duration, script, dir string, env []string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("sh -c %q: %v", script, err)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

// goRunLayout copies bin to where go run puts the program it builds,
// $TMPDIR/go-build<n>/b001/exe/lockbox, and returns the copy's path.
func goRunLayout(t *testing.T, bin string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "go-build2645718187", "b001", "exe", "lockbox")
	data, err := os.ReadFile(bin)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(exe), 0o755)
	}
	if err == nil {
		err = os.WriteFile(exe, data, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// goRunShim is a shell function named go that stands in for the go
// command: it accepts only "go run ./cmd/lockbox ..." typed in a
// directory holding ./cmd/lockbox (the checkout's root), and runs the
// rest of the words, as the shell split them, with the binary that
// ./cmd/lockbox was built into.
const goRunShim = `go() {
	if [ "$1" != run ] || [ "$2" != ./cmd/lockbox ] || [ ! -f ./cmd/lockbox/main.go ]; then
		echo "not go run ./cmd/lockbox from the checkout's root: go $*" >&2
		return 97
	fi
	shift 2
	"$LOCKBOX_BIN" "$@"
}
`

// moduleRoot is the checkout's root, where go run ./cmd/lockbox works.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestDemoGoRun runs the demo as `go run ./cmd/lockbox demo` runs it:
// from the checkout's root, the binary where go run puts it. The banner
// must print its commands as go run ./cmd/lockbox ..., and each must
// work: the shell reads each line as printed, with go standing for the
// same binary (goRunShim), and the first is also run by the real go run.
func TestDemoGoRun(t *testing.T) {
	t.Parallel()
	exe := goRunLayout(t, lockboxBinary(t))
	root := moduleRoot(t)
	env := isolatedEnv(t)
	d := startDemoIn(t, exe, env, t.TempDir(), root)
	const prefix = "go run ./cmd/lockbox"
	lines := d.suggested(prefix)
	if strings.Contains(d.out.String(), exe) {
		t.Fatalf("the banner prints go run's temporary binary %s:\n%s", exe, d.out)
	}
	if len(lines) == 0 {
		t.Fatalf("the banner suggests no %s commands:\n%s", prefix, d.out)
	}
	// The real go, with the caller's Go caches so it only links.
	stdout, stderr, code := shell(t, goRunTimeout, lines[0], root, os.Environ())
	if code != 0 || !strings.Contains(stdout, "acme") {
		t.Fatalf("%s (with the real go)\nexit %d\nstdout: %s\nstderr: %s", lines[0], code, stdout, stderr)
	}
	link := runSuggested(t, lines, prefix, goRunShim, root, append(env, "LOCKBOX_BIN="+exe))
	wantPage(t, "the link lockbox link printed", newBrowser(t).get(link), http.StatusOK, "Continue")
}
