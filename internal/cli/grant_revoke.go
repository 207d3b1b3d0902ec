package cli

import (
	"fmt"
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// currentGrant is the grant id the API reads as "whatever is active".
const currentGrant = "current"

// RevokeOptions are the flags of `lockbox grant revoke`.
type RevokeOptions struct {
	Tenant string
	// ID is the grant to revoke; empty means the active one.
	ID     string
	Reason string
	By     string
	JSON   bool
}

// revokeBody is the API's revoke request.
type revokeBody struct {
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

// RevokeGrant ends a grant of the tenant now.
func (c *Client) RevokeGrant(o RevokeOptions) error {
	id := o.ID
	if id == "" {
		id = currentGrant
	}
	path, err := tenantPath(o.Tenant, "grants", id)
	if err != nil {
		return err
	}
	if err := checkBy(o.By); err != nil {
		return err
	}
	var g store.Grant
	raw, err := c.call(http.MethodDelete, path, revokeBody{By: o.By, Reason: o.Reason}, &g)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	_, err = fmt.Fprintf(c.Out, "Revoked grant %s of tenant %s (%s, granted by %s %s).\n",
		cell(g.ID, maxCell), cell(g.Tenant, maxCell), scopes(g), cell(actor(&g.CreatedBy), maxCell), Relative(g.CreatedAt, c.now()))
	return err
}
