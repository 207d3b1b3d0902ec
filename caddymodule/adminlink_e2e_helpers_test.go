package caddymodule_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

var (
	continueAction = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	continueToken  = regexp.MustCompile(`name="token" value="([^"]+)"`)
)

// openAdminLink opens a Support Access link as an admin's browser does:
// it fetches the link, expects the page that says who the link is for,
// presses Continue and follows the redirect to the page.
func (b *agentBrowser) openAdminLink(link string) reply {
	b.t.Helper()
	shown := b.do(call{url: link})
	a, tok := continueAction.FindStringSubmatch(shown.body), continueToken.FindStringSubmatch(shown.body)
	if shown.status != http.StatusOK || a == nil || tok == nil {
		b.t.Fatalf("the link %s shows %d without a Continue button: %.600s", link, shown.status, shown.body)
	}
	return b.do(call{method: http.MethodPost, url: shown.url.ResolveReference(mustURL(b.t, html.UnescapeString(a[1]))).String(),
		form: url.Values{"token": {html.UnescapeString(tok[1])}}, follow: true})
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
