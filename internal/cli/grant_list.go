package cli

import (
	"fmt"
	"net/url"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// historyPage is how many grants `grant list --tenant` shows.
const historyPage = 100

// ListOptions are the flags of `lockbox grant list`.
type ListOptions struct {
	// Tenant, when set, lists that tenant's active grant and history;
	// otherwise every tenant's active grant is listed.
	Tenant string
	JSON   bool
}

// ListGrants prints active grants, or one tenant's grants.
func (c *Client) ListGrants(o ListOptions) error {
	if o.Tenant != "" {
		return c.listTenant(o)
	}
	var resp struct {
		Grants []store.Grant `json:"grants"`
	}
	raw, err := c.get(apiBase+"/grants", &resp)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	if len(resp.Grants) == 0 {
		_, err := fmt.Fprintln(c.Out, "No tenant has an active grant.")
		return err
	}
	t := newTable(c.Out, "TENANT", "GRANT", "SCOPES", "EXPIRES", "GRANTED BY", "NOTE")
	for _, g := range resp.Grants {
		t.row(cell(g.Tenant, maxCell), cell(g.ID, maxCell), scopes(g), c.expires(g), cell(actor(&g.CreatedBy), maxCell), cell(g.Note, maxCell))
	}
	return t.flush()
}

// tenantGrants is the API's answer for one tenant.
type tenantGrants struct {
	Active     *store.Grant  `json:"active"`
	Grants     []store.Grant `json:"grants"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

func (c *Client) listTenant(o ListOptions) error {
	path, err := tenantPath(o.Tenant, "grants")
	if err != nil {
		return err
	}
	var resp tenantGrants
	raw, err := c.get(path+query(url.Values{"limit": {fmt.Sprint(historyPage)}}), &resp)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	c.activeLine(o.Tenant, resp.Active)
	if len(resp.Grants) == 0 {
		return nil
	}
	fmt.Fprintln(c.Out)
	if err := c.historyTable(resp.Grants); err != nil {
		return err
	}
	if resp.NextCursor != "" {
		fmt.Fprintf(c.Out, "(only the %d newest grants are shown)\n", historyPage)
	}
	return nil
}

// activeLine says whether the tenant has an active grant, and which.
func (c *Client) activeLine(tenantID string, g *store.Grant) {
	if g == nil {
		fmt.Fprintf(c.Out, "Tenant %s has no active grant.\n", tenantID)
		return
	}
	until := "expires " + c.expires(*g)
	if g.Standing() {
		until = "standing until revoked"
	}
	fmt.Fprintf(c.Out, "Tenant %s has active grant %s (%s), %s.\n", tenantID, cell(g.ID, maxCell), scopes(*g), until)
}

func (c *Client) historyTable(gs []store.Grant) error {
	now := c.now()
	t := newTable(c.Out, "GRANT", "SCOPES", "STATUS", "GRANTED", "GRANTED BY", "NOTE")
	for _, g := range gs {
		t.row(cell(g.ID, maxCell), scopes(g), cell(status(g, now), 2*maxCell), Relative(g.CreatedAt, now), cell(actor(&g.CreatedBy), maxCell), cell(g.Note, maxCell))
	}
	return t.flush()
}
