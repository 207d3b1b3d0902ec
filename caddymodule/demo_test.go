package caddymodule_test

import (
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/outbuf"
)

// demoProcess is a running `lockbox demo`.
type demoProcess struct {
	t       *testing.T
	cmd     *exec.Cmd
	out     *outbuf.Buffer
	stderr  *outbuf.Buffer
	exited  chan struct{}
	console *url.URL // the URL the banner says to open
	admin   string
}

var (
	consoleLine = regexp.MustCompile(`(?m)^Open (http://127\.0\.0\.1:\d+/_lockbox/) `)
	adminFlag   = regexp.MustCompile(`--address (127\.0\.0\.1:\d+)`)
	grantLine   = regexp.MustCompile(`\(grant (g_[A-Z0-9]+)\)`)
)

// startDemo runs `lockbox demo --data dir` and waits for its banner.
func startDemo(t *testing.T, bin string, env []string, dir string) *demoProcess {
	t.Helper()
	return startDemoIn(t, bin, env, dir, "")
}

// startDemoIn is startDemo in the working directory cwd ("" for the
// test's).
func startDemoIn(t *testing.T, bin string, env []string, dir, cwd string) *demoProcess {
	t.Helper()
	d := &demoProcess{t: t, out: &outbuf.Buffer{}, stderr: &outbuf.Buffer{}, exited: make(chan struct{})}
	d.cmd = exec.Command(bin, "demo", "--data", dir)
	d.cmd.Env, d.cmd.Dir = env, cwd
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(d.kill)
	d.waitBanner()
	return d
}

// waitBanner waits until the banner is complete and reads its addresses.
func (d *demoProcess) waitBanner() {
	d.t.Helper()
	testkit.EventuallyWithin(d.t, startTimeout, func() bool {
		select {
		case <-d.exited:
			d.t.Fatalf("lockbox demo exited before it was ready:\n%s\n%s", d.out, d.stderr)
		default:
		}
		return strings.Contains(d.out.String(), "Press Ctrl-C to stop.")
	}, "lockbox demo's banner:\n%s\n%s", d.out, d.stderr)
	banner := d.out.String()
	m, a := consoleLine.FindStringSubmatch(banner), adminFlag.FindStringSubmatch(banner)
	if m == nil || a == nil {
		d.t.Fatalf("banner lacks the console URL or the admin address:\n%s", banner)
	}
	d.console, _ = url.Parse(m[1])
	d.admin = a[1]
}

// grantID returns the grant the banner names.
func (d *demoProcess) grantID() string {
	m := grantLine.FindStringSubmatch(d.out.String())
	if m == nil {
		d.t.Fatalf("banner names no grant:\n%s", d.out)
	}
	return m[1]
}

// interrupt sends SIGINT, as Ctrl-C does, and returns the exit code.
func (d *demoProcess) interrupt() int {
	d.t.Helper()
	if err := d.cmd.Process.Signal(os.Interrupt); err != nil {
		d.t.Fatal(err)
	}
	select {
	case <-d.exited:
	case <-time.After(stopTimeout):
		d.t.Fatalf("lockbox demo did not stop within %s of SIGINT:\n%s", stopTimeout, d.stderr)
	}
	return d.cmd.ProcessState.ExitCode()
}

// kill ends a demo the test left running.
func (d *demoProcess) kill() {
	select {
	case <-d.exited:
		return
	default:
	}
	_ = d.cmd.Process.Kill()
	<-d.exited
	if d.t.Failed() {
		d.t.Logf("lockbox demo output:\n%s\n%s", d.out, d.stderr)
	}
}

// site returns the absolute URL of path on the gateway.
func (d *demoProcess) site(path string) string {
	return (&url.URL{Scheme: "http", Host: d.console.Host, Path: path}).String()
}

// browser is a cookie-keeping client, as a browser would be.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, client: &http.Client{Jar: jar, Timeout: runTimeout}}
}

// page is a response read in full, with the URL it ended at.
type page struct {
	status int
	url    *url.URL
	body   string
}

func (b *browser) get(u string) page {
	b.t.Helper()
	resp, err := b.client.Get(u)
	return b.read(resp, err)
}

// post submits a form as the page at origin would: with its Origin.
func (b *browser) post(u, origin string, form url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	resp, err := b.client.Do(req)
	return b.read(resp, err)
}

func (b *browser) read(resp *http.Response, err error) page {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: resp.StatusCode, url: resp.Request.URL, body: string(body)}
}

// hiddenField returns the value of the hidden input name on p.
func hiddenField(t *testing.T, p page, name string) string {
	t.Helper()
	re := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`)
	m := re.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("%s has no %s field:\n%s", p.url, name, p.body)
	}
	return html.UnescapeString(m[1])
}

// wantPage fails unless p has status and holds every one of parts.
func wantPage(t *testing.T, what string, p page, status int, parts ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d at %s, want %d:\n%s", what, p.status, p.url, status, p.body)
	}
	for _, s := range parts {
		if !strings.Contains(p.body, s) {
			t.Fatalf("%s: page at %s lacks %q:\n%s", what, p.url, s, p.body)
		}
	}
}

// signIn logs in through the development identity provider's form.
func signIn(t *testing.T, b *browser, d *demoProcess, user string) page {
	t.Helper()
	login := b.get(d.console.String())
	wantPage(t, "identity provider login", login, http.StatusOK, "Development identity provider", "Sign in as "+user)
	action := login.url.ResolveReference(&url.URL{Path: "login"})
	origin := login.url.Scheme + "://" + login.url.Host
	return b.post(action.String(), origin, url.Values{"id": {hiddenField(t, login, "id")}, "user": {user}})
}

func TestDemo(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	env, dir := isolatedEnv(t), t.TempDir()
	d := startDemo(t, bin, env, dir)
	wantContains(t, d.out.String(), "alice", "bob", "carol", "dave", "Tenant acme granted read+write access until",
		"globex has granted nothing", "lockbox grant list --address "+d.admin, "Data: "+dir+" (from --data;")
	first := d.grantID()

	b := newBrowser(t)
	wantPage(t, "ordinary visitor", b.get(d.site("/")), http.StatusOK, "You are an ordinary visitor")

	console := signIn(t, b, d, "bob")
	wantPage(t, "console after sign-in", console, http.StatusOK, "bob@support.example", "acme")
	entered := b.post(d.site("/_lockbox/sessions"), d.site(""), url.Values{"csrf": {hiddenField(t, console, "csrf")}, "tenant": {"acme"}})
	wantPage(t, "app after entering acme", entered, http.StatusOK,
		"Support agent bob@support.example is working in tenant acme", "token verified", "read and write", "personal data masked")

	noted := b.post(d.site("/notes"), d.site(""), url.Values{"note": {"called the customer back"}})
	wantPage(t, "app after bob's note", noted, http.StatusOK, "called the customer back")
	billing := b.get(d.site("/settings/billing"))
	if billing.status != http.StatusForbidden {
		t.Errorf("billing page: status %d, want 403 from the deny rule", billing.status)
	}

	wantContains(t, runLockbox(t, bin, env, "grant", "list", "--address", d.admin).stdout, "acme", first, "ops:demo")

	// acme's admin opens the printed link in the same browser and sees
	// bob's visit; the link is spent, so another browser is refused.
	link := d.adminLink()
	if u := mustURL(t, link); u.Host != d.console.Host {
		t.Fatalf("the Support Access link leads to %s, want the demo site %s", u.Host, d.console.Host)
	}
	wantPage(t, "Support Access page", openAdminLink(t, b, link), http.StatusOK,
		"Support access to acme", "Support visits", "bob@support.example", "<b>active</b>")
	wantPage(t, "the link opened again elsewhere", newBrowser(t).get(link), http.StatusForbidden, "already used")

	// alice's support role is read-only: Lockbox refuses her POST.
	a := newBrowser(t)
	console = signIn(t, a, d, "alice")
	entered = a.post(d.site("/_lockbox/sessions"), d.site(""), url.Values{"csrf": {hiddenField(t, console, "csrf")}, "tenant": {"acme"}})
	wantPage(t, "app as alice", entered, http.StatusOK, "Support agent alice@support.example is working in tenant acme", "read-only")
	if p := a.post(d.site("/notes"), d.site(""), url.Values{"note": {"hello"}}); p.status != http.StatusForbidden {
		t.Errorf("alice's POST: status %d, want 403", p.status)
	}

	if code := d.interrupt(); code != 0 {
		t.Fatalf("exit code %d after SIGINT, want 0:\n%s", code, d.stderr)
	}

	// A second run keeps the data and acme's grant.
	again := startDemo(t, bin, env, dir)
	wantContains(t, again.out.String(), "Tenant acme had already granted read+write access")
	if id := again.grantID(); id != first {
		t.Errorf("second run names grant %s, want the first run's %s", id, first)
	}
	if again.adminLink() == link {
		t.Errorf("second run prints the first run's spent link")
	}
	// Each suggested command works as printed: the binary's path, then
	// the words a shell splits the line into.
	next := runSuggested(t, again.suggested(bin), bin, "", moduleRoot(t), env)
	wantPage(t, "the link lockbox link printed", newBrowser(t).get(next), http.StatusOK, "Continue")
	if code := again.interrupt(); code != 0 {
		t.Fatalf("second run: exit code %d after SIGINT, want 0", code)
	}
}

func TestAdaptExampleCaddyfiles(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	for _, name := range []string{"Caddyfile.single", "Caddyfile.redis", "Caddyfile.tenant-hosts", "Caddyfile.tenant-paths"} {
		t.Run(name, func(t *testing.T) {
			// Not --validate: that would open the store the file names.
			r := runLockbox(t, bin, isolatedEnv(t), "adapt", "--config", "../examples/"+name)
			if r.code != 0 || !strings.Contains(r.stdout, `"handler":"lockbox"`) || strings.Contains(r.stderr, "WARN") {
				t.Fatalf("adapt: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestDemoPortTaken(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	r := runLockbox(t, bin, isolatedEnv(t), "demo", "--port", fmt.Sprint(port), "--data", t.TempDir())
	wantOneLineError(t, r, fmt.Sprintf("lockbox: port %d on 127.0.0.1 is not free", port))
}
