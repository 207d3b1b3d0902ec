package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// TenantPlaceholder stands for the tenant in TenantFrom's patterns.
const TenantPlaceholder = "{tenant}"

// TenantFrom says where an app names the tenant of a request: in the
// host (acme.app.example.com) or in the path (/t/acme/...). Exactly one
// of Host and Path is set.
type TenantFrom struct {
	// Host is {tenant} followed by the hosts' common suffix, such as
	// {tenant}.app.example.com, with the port when it is not the
	// scheme's standard one. The site's login host (its issuer's) must
	// not match it.
	Host string
	// Path is the path prefix ending in the tenant's segment, such as
	// /t/{tenant}/.
	Path string
	// Shared are path patterns (written like deny patterns) of pages every
	// tenant shares, such as /static/*: an agent request naming no tenant
	// is sent only there, with the identity headers of the session.
	Shared []string
}

// tenantFrom is a TenantFrom ready to read requests.
type tenantFrom struct {
	hostSuffix string       // ".app.example.com"; "" in path mode
	loginHost  string       // the issuer's host, which names no tenant
	pathBefore string       // "/t/"; "" in host mode
	shared     policy.Areas // {"shared": patterns}
}

// sharedArea names the shared patterns in tenantFrom.shared.
const sharedArea = "shared"

// compile checks tf against the issuer and returns it ready to use.
func (tf TenantFrom) compile(issuer string) (*tenantFrom, error) {
	if (tf.Host == "") == (tf.Path == "") {
		return nil, errors.New("tenant_from needs exactly one of host and path")
	}
	if err := policy.ParseArea(sharedArea, tf.Shared); err != nil && len(tf.Shared) > 0 {
		return nil, fmt.Errorf("shared: %v", err)
	}
	c := &tenantFrom{shared: policy.Areas{sharedArea: tf.Shared}}
	if tf.Path != "" {
		return c, c.compilePath(tf.Path)
	}
	return c, c.compileHost(tf.Host, issuer)
}

func (c *tenantFrom) compilePath(p string) error {
	before, ok := strings.CutSuffix(p, TenantPlaceholder+"/")
	if !ok || !strings.HasPrefix(before, "/") || !strings.HasSuffix(before, "/") || strings.Contains(before, "{") ||
		strings.Contains(before, "//") || !validPattern(before) {
		return fmt.Errorf("tenant_from path %q must be a plain path ending in /%s/, such as /t/%s/", clipPattern(p), TenantPlaceholder, TenantPlaceholder)
	}
	c.pathBefore = before
	return nil
}

func (c *tenantFrom) compileHost(h, issuer string) error {
	suffix, ok := strings.CutPrefix(h, TenantPlaceholder+".")
	if !ok || suffix == "" || suffix != strings.ToLower(suffix) || strings.ContainsAny(suffix, "{}*/ ") ||
		strings.HasSuffix(suffix, ".") || strings.HasPrefix(suffix, ".") {
		return fmt.Errorf("tenant_from host %q must be %s. followed by the hosts' lowercase common suffix, such as %s.app.example.com", clipPattern(h), TenantPlaceholder, TenantPlaceholder)
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return errors.New("tenant_from host needs the site's issuer URL: its host is where agents sign in")
	}
	c.hostSuffix = "." + suffix
	if strings.HasSuffix(u.Host, c.hostSuffix) {
		return fmt.Errorf("the login host %s must not be a tenant host of %q: agents sign in on one host outside the pattern", u.Host, h)
	}
	c.loginHost = u.Host
	return nil
}

// byHost reports whether tenants are named by host.
func (c *tenantFrom) byHost() bool { return c.hostSuffix != "" }

// of returns the tenant r names: named is false when r names none (the
// login host, or a path outside the pattern); err says why r's host or
// path is not one Lockbox lets an agent use.
func (c *tenantFrom) of(r *http.Request) (t string, named bool, err error) {
	if c.byHost() {
		return c.fromHost(r.Host)
	}
	return c.fromPath(r.URL.EscapedPath())
}

// fromHost reads the tenant from a Host header, compared byte for byte:
// the login host names none; uppercase, a trailing dot or a port the
// pattern does not have make a host that is not one of the site's.
func (c *tenantFrom) fromHost(host string) (string, bool, error) {
	if host == c.loginHost {
		return "", false, nil
	}
	label, ok := strings.CutSuffix(host, c.hostSuffix)
	if !ok {
		return "", false, errNotSiteHost
	}
	if strings.Contains(label, ".") || tenant.Validate(label) != nil {
		return "", false, errBadTenantLabel
	}
	return label, true, nil
}

// fromPath reads the tenant from the escaped path: the segment after the
// prefix must be a tenant id as written, so an encoded or differently
// cased tenant is refused rather than decoded or folded.
func (c *tenantFrom) fromPath(escaped string) (string, bool, error) {
	rest, ok := strings.CutPrefix(escaped, c.pathBefore)
	if !ok {
		return "", false, nil
	}
	seg, _, _ := strings.Cut(rest, "/")
	if tenant.Validate(seg) != nil {
		return "", false, errBadTenantLabel
	}
	return seg, true, nil
}

// isShared reports whether cleanPath is one of the shared pages.
func (c *tenantFrom) isShared(cleanPath string) bool {
	return len(c.shared[sharedArea]) > 0 && c.shared.InAreas(cleanPath, []string{sharedArea})
}

// hostOf returns tenant t's host.
func (c *tenantFrom) hostOf(t string) string { return t + c.hostSuffix }

// landing returns where an agent entering t lands, on t's host or under
// t's path: landing is read relative to the tenant's address.
func (c *tenantFrom) landing(t, landing string) string {
	if c.byHost() {
		return landing
	}
	return c.pathBefore + t + "/" + strings.TrimPrefix(landing, "/")
}

var (
	errNotSiteHost    = errors.New("host is not one of the site's")
	errBadTenantLabel = errors.New("the tenant in the address is not a valid tenant id")
)

// validPattern reports whether p is written as a deny pattern must be.
func validPattern(p string) bool {
	_, err := policy.ParseRule("*", p)
	return err == nil
}

func clipPattern(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Check reports what is wrong with tf on a site whose login host is the
// issuer's, or nil.
func (tf TenantFrom) Check(issuer string) error {
	_, err := tf.compile(issuer)
	return err
}
