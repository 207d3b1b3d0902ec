package adminpage_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, or LOCKBOX_CHROMIUM when set.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("LOCKBOX_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if info, err := os.Stat(p); err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		t.Fatal("chromium not found: apt-get install -y chromium")
	}
	return p
}

// artifactsDir is where the test's screenshots go: under
// LOCKBOX_TEST_ARTIFACTS when set, else a temporary directory.
func artifactsDir(t *testing.T) string {
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

// chromium is one headless browser for the test.
type chromium struct {
	t     *testing.T
	alloc context.Context
	shots string
}

func newChromium(t *testing.T) *chromium {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
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
	return &chromium{t: t, alloc: alloc, shots: artifactsDir(t)}
}

// tab is one page of the browser, driven step by step.
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context
	b    *chromium
}

// firstTab opens a tab in the browser's default context, starting the
// browser.
func (b *chromium) firstTab(name string) *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.alloc)
	b.t.Cleanup(cancel)
	tb := &tab{t: b.t, name: name, ctx: ctx, b: b}
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		b.t.Fatalf("starting chromium: %v", err)
	}
	return tb
}

// privateTab opens a tab in a new browser context of the same browser,
// like an incognito window: it shares no cookies with other tabs.
func (tb *tab) privateTab(name string) *tab {
	tb.t.Helper()
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithNewBrowserContext())
	tb.t.Cleanup(cancel)
	p := &tab{t: tb.t, name: name, ctx: ctx, b: tb.b}
	if err := chromedp.Do(ctx); err != nil {
		tb.t.Fatalf("opening a private tab: %v", err)
	}
	return p
}

// do runs steps, failing the test (with a screenshot) if they do not
// finish in time.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.fail("%s: %v", what, err)
	}
}

func (tb *tab) navigate(u string) {
	tb.t.Helper()
	tb.do("opening "+u, chromedp.Navigate(u))
}

func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.do("clicking "+sel, chromedp.Click(chromedp.CSS(sel)))
}

func (tb *tab) sendKeys(sel, text string) {
	tb.t.Helper()
	tb.do("typing into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// text returns the visible text of the first element sel matches, or
// "" if there is none yet.
func (tb *tab) text(sel string) string {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		return ""
	}
	return s
}

// waitText waits until the element sel matches shows every one of want
// (a form's submission loads a new page meanwhile) and returns its text.
func (tb *tab) waitText(sel string, want ...string) string {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := tb.text(sel)
		if containsAll(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			tb.fail("%s shows %q, want %q", sel, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// reloadUntil reloads u until sel shows every one of want: for what the
// audit writer records in the background.
func (tb *tab) reloadUntil(u, sel string, want ...string) string {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		tb.navigate(u)
		got := tb.text(sel)
		if containsAll(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			tb.fail("after reloading %s, %s shows %q, want %q", u, sel, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func containsAll(s string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func (tb *tab) location() string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		tb.fail("reading the location: %v", err)
	}
	return u
}

// shot saves a full-page screenshot as <name>.png in the artifacts.
func (tb *tab) shot(name string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
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

// fail saves what the tab shows and stops the test.
func (tb *tab) fail(format string, args ...any) {
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
