package chromiumtest

import (
	"context"
	"fmt"

	"github.com/chromedp/chromedp"
)

// outsideJS lists the visible elements matching a selector that do not
// lie wholly inside the viewport's width, and says so when the page
// itself is wider than the viewport (the user would have to scroll
// sideways).
const outsideJS = `(() => {
  const w = document.documentElement.clientWidth, out = [];
  if (document.documentElement.scrollWidth > w) {
    out.push("the page is " + document.documentElement.scrollWidth + " px wide in a " + w + " px viewport");
  }
  for (const el of document.querySelectorAll(%q)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue; // not shown, e.g. in a closed <details>
    if (r.left < 0 || r.right > w) {
      out.push(JSON.stringify(el.textContent.trim()) + " spans " + Math.round(r.left) + " to " + Math.round(r.right) + " px of " + w);
    }
  }
  return out;
})()`

// OutsideViewport returns what of the page a user cannot reach without
// scrolling sideways: each shown element matching sel that sticks out of
// the viewport's width, and the page's own overflow. Empty means all fits.
func (tb *Tab) OutsideViewport(sel string) []string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(outsideJS, sel)))
	if err != nil {
		tb.Fail("measuring %s against the viewport: %v", sel, err)
	}
	return out
}
