package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
)

const (
	// requestTimeout bounds each request of the login walk and checks.
	requestTimeout = 10 * time.Second
	// maxPage bounds a page read during the login walk.
	maxPage = 1 << 20
)

var (
	formPattern  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputPattern = regexp.MustCompile(`(?is)<(?:input|button)\b([^>]*)>`)
	attrPattern  = regexp.MustCompile(`(?s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*"([^"]*)"`)
)

// form is one HTML form: where it posts and its named fields.
type form struct {
	action string
	fields url.Values
}

// parseForms reads the forms of a page well enough for the pages this
// benchmark walks (Lockbox's console, the provider's login page): the
// action and the name/value of every input and button.
func parseForms(page string) []form {
	var forms []form
	for _, m := range formPattern.FindAllStringSubmatch(page, -1) {
		f := form{action: attrs(m[1]).Get("action"), fields: url.Values{}}
		for _, in := range inputPattern.FindAllStringSubmatch(m[2], -1) {
			a := attrs(in[1])
			if name := a.Get("name"); name != "" {
				f.fields.Add(name, a.Get("value"))
			}
		}
		forms = append(forms, f)
	}
	return forms
}

// attrs returns the double-quoted attributes of a tag, unescaped.
func attrs(tag string) url.Values {
	v := url.Values{}
	for _, m := range attrPattern.FindAllStringSubmatch(tag, -1) {
		v.Set(strings.ToLower(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// userForm finds the provider's form with a "Sign in as user" button.
func userForm(page, user string) (form, error) {
	for _, f := range parseForms(page) {
		if f.fields.Get("id") != "" && containsValue(f.fields["user"], user) {
			return form{action: f.action, fields: url.Values{"id": {f.fields.Get("id")}, "user": {user}}}, nil
		}
	}
	return form{}, fmt.Errorf("the provider's login page has no button for user %s", user)
}

// enterForm finds the console form that enters tenant.
func enterForm(page, tenant string) (form, error) {
	for _, f := range parseForms(page) {
		if strings.HasSuffix(f.action, "/sessions") && f.fields.Get("tenant") == tenant {
			if f.fields.Get("csrf") == "" {
				return form{}, errors.New("the console's enter form has no csrf token")
			}
			return f, nil
		}
	}
	return form{}, fmt.Errorf("the console offers no way into tenant %s (has it an active grant?)", tenant)
}

func containsValue(values []string, want string) bool {
	for _, v := range values {
		if v == want {
			return true
		}
	}
	return false
}

// browser is a cookie-keeping client walking pages as a person would.
type browser struct {
	client *http.Client
	jar    http.CookieJar
}

func newBrowser() *browser {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &browser{jar: jar, client: &http.Client{Jar: jar, Timeout: requestTimeout}}
}

// page sends req, following redirects, and returns the final page, which
// must be a 200.
func (b *browser) page(req *http.Request) (string, *url.URL, error) {
	resp, err := b.client.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("%s %s: status %d", req.Method, resp.Request.URL.Path, resp.StatusCode)
	}
	return string(body), resp.Request.URL, nil
}

// formRequest submits f, found on the page at base, with origin as its
// Origin header when set.
func formRequest(ctx context.Context, base *url.URL, f form, origin string) (*http.Request, error) {
	target, err := base.Parse(f.action)
	if err != nil {
		return nil, fmt.Errorf("form action %q: %v", f.action, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), strings.NewReader(f.fields.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return req, nil
}

// agentCookie signs user in at the site through the provider's login
// page, enters tenant from the console, and returns the Cookie header
// value that carries the agent's session.
func agentCookie(ctx context.Context, site, user, tenant string) (string, error) {
	b := newBrowser()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, site+consolePrefix+"/login?return_to="+url.QueryEscape(consolePrefix+"/"), nil)
	if err != nil {
		return "", err
	}
	page, at, err := b.page(req)
	if err != nil {
		return "", fmt.Errorf("opening the login: %v", err)
	}
	if page, at, err = b.signIn(ctx, page, at, user); err != nil {
		return "", err
	}
	if err := b.enter(ctx, page, at, site, tenant); err != nil {
		return "", err
	}
	return b.sessionCookie(site)
}

// signIn presses the provider's "Sign in as user" button and returns the
// page the login ends on, the console.
func (b *browser) signIn(ctx context.Context, page string, at *url.URL, user string) (string, *url.URL, error) {
	f, err := userForm(page, user)
	if err != nil {
		return "", nil, err
	}
	req, err := formRequest(ctx, at, f, "")
	if err != nil {
		return "", nil, err
	}
	page, at, err = b.page(req)
	if err != nil {
		return "", nil, fmt.Errorf("signing in as %s: %v", user, err)
	}
	if at.Path != consolePrefix+"/" {
		return "", nil, fmt.Errorf("signing in as %s ended at %s, not the console", user, at.Path)
	}
	return page, at, nil
}

// enter submits the console's enter form for tenant and expects the
// redirect to the app.
func (b *browser) enter(ctx context.Context, page string, at *url.URL, site, tenant string) error {
	f, err := enterForm(page, tenant)
	if err != nil {
		return err
	}
	req, err := formRequest(ctx, at, f, site)
	if err != nil {
		return err
	}
	noFollow := *b.client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		return fmt.Errorf("entering tenant %s: %v", tenant, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxPage))
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("entering tenant %s: status %d, want a redirect to the app", tenant, resp.StatusCode)
	}
	return nil
}

// sessionCookie returns "name=value" of Lockbox's session cookie for
// site, as wrk will send it.
func (b *browser) sessionCookie(site string) (string, error) {
	u, err := url.Parse(site)
	if err != nil {
		return "", err
	}
	for _, c := range b.jar.Cookies(u) {
		if c.Name == login.SessionCookiePlain && c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", errors.New("no Lockbox session cookie after signing in")
}
