package adminpage_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lockbox-gw/lockbox/internal/chromiumtest"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// TestApproveARequestInChromium: a support agent asks for read, write
// and personal data for 7 days through the request service; the tenant
// admin opens the signed link the notification carries, sees the
// request at the top, approves it without write and for a day only, and
// the grant in force is exactly that.
func TestApproveARequestInChromium(t *testing.T) {
	b := chromiumtest.New(t)
	e := newEnv(t, tenantadmin.Rules{})
	r := e.ask(request.Ask{Ticket: "T-4711", Reason: "Invoice totals are wrong", Roles: []string{"operations"}, Scopes: []string{"write", "pii"}})
	card := "#request-" + r.ID

	admin := b.Tab("admin")
	admin.Do("emulating a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	admin.Navigate(e.link("acme", ana) + "&request=" + r.ID)
	admin.WaitText("#open", "Support Access to acme", "works once")
	admin.Click("#continue")
	admin.WaitText(card, "Bob Operator (bob@support.example) asks for access to acme", "Invoice totals are wrong", "T-4711",
		"Read and write, personal data visible, for 7 days", "0 of 1 approval so far")
	if loc, want := admin.Location(), e.srv.URL+page+"?request="+r.ID+"#request-"+r.ID; loc != want {
		t.Fatalf("after opening the link the address is %q, want %q", loc, want)
	}
	admin.Shot("01-admin-sees-the-request")

	admin.Click(card + ` input[name="scope"][value="write"]`)
	admin.Do("choosing one day", chromedp.SetValue(chromedp.CSS(card+` select[name="duration"]`), "1d"))
	admin.Shot("02-admin-narrows-the-request")
	admin.Click(card + " .approve-submit")
	admin.WaitText("#flash", "Access request approved.")
	admin.WaitText("#status", "Support can access acme", "Read-only, personal data visible", "(24 hours left)")
	admin.WaitText("#requests-ended", "approved by ana@acme.test", "Granted: Read-only, personal data visible, for 1 day")
	if admin.Text(card+" form") != "" {
		t.Fatal("the approved request still shows its forms")
	}
	admin.Shot("03-admin-approved")

	g := e.active()
	if g == nil || !slices.Equal(g.Scopes, []string{"read", "pii"}) || !g.ExpiresAt.Equal(e.Clock.Now().Add(24*time.Hour)) ||
		g.CreatedBy.ID != ana.ID || !strings.Contains(g.Note, r.ID) {
		t.Fatalf("grant after the approval: %+v", g)
	}
	if done := e.request(r.ID); done.State != request.Approved || done.Granted != g.ID {
		t.Fatalf("request after the approval: %+v", done)
	}
}
