package cli

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
)

// LinkOptions are the flags of `lockbox link`.
type LinkOptions struct {
	Tenant string
	// Admin is the id of a registered admin of the tenant.
	Admin string
	// TTL is how long the link opens, as typed ("24h", "7d"); empty means
	// the instance's link_ttl. The API bounds it.
	TTL string
	// Areas are area names, each possibly a comma-separated list: the only
	// areas of the app the link's holder may grant. None means any, the
	// whole app included.
	Areas []string
	JSON  bool
	// Info receives the line saying until when the link opens. It is kept
	// apart from Out, which gets the URL alone so scripts can take it;
	// nil drops the line.
	Info io.Writer
}

// linkBody is the API's request for a link.
type linkBody struct {
	AdminID string   `json:"admin_id"`
	TTL     string   `json:"ttl,omitempty"`
	Areas   []string `json:"areas,omitempty"`
}

// adminLink is the API's answer.
type adminLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Link prints a signed link that opens the tenant's Support Access page
// for one of its admins.
func (c *Client) Link(o LinkOptions) error {
	path, err := tenantPath(o.Tenant, "admin-links")
	if err != nil {
		return err
	}
	if err := checkLink(o); err != nil {
		return err
	}
	var l adminLink
	areas := splitList(o.Areas)
	raw, err := c.call(http.MethodPost, path, linkBody{AdminID: o.Admin, TTL: o.TTL, Areas: areas}, &l)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	// One line, whatever the answer holds, never clipped.
	if _, err := fmt.Fprintln(c.Out, OneLine(l.URL, len(l.URL))); err != nil {
		return err
	}
	if o.Info != nil {
		fmt.Fprintf(o.Info, "The link opens the Support Access page of tenant %s for admin %s until %s (%s)%s.\n",
			o.Tenant, cell(o.Admin, maxCell), Absolute(l.ExpiresAt), Relative(l.ExpiresAt, c.now()), onlyAreas(areas))
	}
	return nil
}

// onlyAreas tells which areas a link's holder may grant, if limited.
func onlyAreas(areas []string) string {
	if len(areas) == 0 {
		return ""
	}
	return "; they may grant access only to " + cell(strings.Join(areas, ", "), maxCell)
}

func checkLink(o LinkOptions) error {
	if strings.TrimSpace(o.Admin) == "" {
		return Usagef("--admin is required: the id of a registered admin of the tenant (see lockbox admins list)")
	}
	if o.TTL == "" {
		return nil
	}
	if d, err := grant.ParseDuration(o.TTL); err != nil || d <= 0 {
		return Usagef("invalid --ttl %q: use hours and minutes like 24h or 90m, or days like 7d", OneLine(o.TTL, 40))
	}
	return nil
}
