// Package chromiumtest drives a real headless Chromium (Debian's chromium
// package) from tests, step by step, saving a screenshot when a step
// fails. Tests that need it fail with a clear message when Chromium is
// missing; they never skip.
package chromiumtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepTimeout bounds one step; waitTimeout bounds waiting for a page to
// show something.
const (
	stepTimeout = 15 * time.Second
	waitTimeout = 15 * time.Second
)

// Path is Debian's Chromium, or LOCKBOX_CHROMIUM when set; the test fails
// if it is not there.
func Path(t testing.TB) string {
	t.Helper()
	p := os.Getenv("LOCKBOX_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if info, err := os.Stat(p); err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		t.Fatal("chromium not found: apt-get install -y chromium (or set LOCKBOX_CHROMIUM)")
	}
	return p
}

// artifactsDir is where screenshots go: under LOCKBOX_TEST_ARTIFACTS when
// set, else a temporary directory.
func artifactsDir(t testing.TB) string {
	t.Helper()
	root := os.Getenv("LOCKBOX_TEST_ARTIFACTS")
	if root == "" {
		return t.TempDir()
	}
	dir := filepath.Join(root, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Browser is one headless Chromium for a test.
type Browser struct {
	t     testing.TB
	alloc context.Context
	shots string
	first *Tab
}

// New starts nothing yet: the browser starts with its first tab.
func New(t testing.TB) *Browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Path(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // tests may run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	return &Browser{t: t, alloc: alloc, shots: artifactsDir(t)}
}

// Tab is one page of the browser.
type Tab struct {
	t    testing.TB
	name string
	ctx  context.Context
	b    *Browser
}

// Tab opens a tab in a browser context of its own, like an incognito
// window: it shares no cookies with other tabs. The first one starts the
// browser.
func (b *Browser) Tab(name string) *Tab {
	b.t.Helper()
	if b.first != nil {
		return b.first.Private(name)
	}
	ctx, cancel := chromedp.NewContext(b.alloc)
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		b.t.Fatalf("starting chromium: %v", err)
	}
	b.first = &Tab{t: b.t, name: name, ctx: ctx, b: b}
	return b.first
}

// Private opens a tab sharing no cookies with tb.
func (tb *Tab) Private(name string) *Tab {
	tb.t.Helper()
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithNewBrowserContext())
	tb.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		tb.t.Fatalf("opening a private tab: %v", err)
	}
	return &Tab{t: tb.t, name: name, ctx: ctx, b: tb.b}
}

// Do runs steps, failing the test (with a screenshot) if they do not
// finish in time.
func (tb *Tab) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.Fail("%s: %v", what, err)
	}
}

// Navigate opens u.
func (tb *Tab) Navigate(u string) {
	tb.t.Helper()
	tb.Do("opening "+u, chromedp.Navigate(u))
}

// Click clicks the first element sel matches.
func (tb *Tab) Click(sel string) {
	tb.t.Helper()
	tb.Do("clicking "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// SendKeys types text into the first element sel matches.
func (tb *Tab) SendKeys(sel, text string) {
	tb.t.Helper()
	tb.Do("typing into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// Text returns the visible text of the first element sel matches, or ""
// if there is none yet.
func (tb *Tab) Text(sel string) string {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		return ""
	}
	return s
}

// WaitText waits until the element sel matches shows every one of want
// (a form's submission loads a new page meanwhile) and returns its text.
func (tb *Tab) WaitText(sel string, want ...string) string {
	tb.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		got := tb.Text(sel)
		if ContainsAll(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fail("%s shows %q, want %q", sel, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ReloadUntil opens u again until sel shows every one of want: for what
// is recorded in the background.
func (tb *Tab) ReloadUntil(u, sel string, want ...string) string {
	tb.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		tb.Navigate(u)
		got := tb.Text(sel)
		if ContainsAll(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fail("after reloading %s, %s shows %q, want %q", u, sel, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ContainsAll reports whether s contains every one of want.
func ContainsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// Location is the tab's current URL.
func (tb *Tab) Location() string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		tb.Fail("reading the location: %v", err)
	}
	return u
}

// Shot saves a full-page screenshot as <name>.png and returns its path.
func (tb *Tab) Shot(name string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(tb.b.shots, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot %s", p)
	return p
}

// Fail saves what the tab shows and stops the test.
func (tb *Tab) Fail(format string, args ...any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		p := filepath.Join(tb.b.shots, "failed-"+tb.name+".png")
		if os.WriteFile(p, png, 0o644) == nil {
			tb.t.Logf("screenshot of the failure: %s", p)
		}
	}
	tb.t.Fatalf(tb.name+": "+format, args...)
}
