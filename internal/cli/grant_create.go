package cli

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// CreateOptions are the flags of `lockbox grant create`.
type CreateOptions struct {
	Tenant string
	// For is the grant's duration as typed ("7d", "36h"); the API parses
	// and bounds it. Exactly one of For and Standing must be given.
	For      string
	Standing bool
	// Scopes are names, each possibly a comma-separated list; none means
	// read only.
	Scopes []string
	// Areas are area names, each possibly a comma-separated list; none
	// means the whole app.
	Areas []string
	Note  string
	// By is the operator's name, recorded as ops:<by>.
	By   string
	JSON bool
}

// createBody is the API's create request.
type createBody struct {
	Scopes   []string `json:"scopes"`
	Duration string   `json:"duration,omitempty"`
	Standing bool     `json:"standing"`
	Note     string   `json:"note,omitempty"`
	By       string   `json:"by"`
	Areas    []string `json:"areas,omitempty"`
}

// CreateGrant makes a new grant the tenant's active one.
func (c *Client) CreateGrant(o CreateOptions) error {
	path, err := tenantPath(o.Tenant, "grants")
	if err != nil {
		return err
	}
	if err := checkCreate(o); err != nil {
		return err
	}
	body := createBody{Scopes: splitScopes(o.Scopes), Duration: o.For, Standing: o.Standing, Note: o.Note, By: o.By, Areas: splitList(o.Areas)}
	var g store.Grant
	raw, err := c.call(http.MethodPost, path, body, &g)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	fmt.Fprintf(c.Out, "Granted support access to tenant %s.\n", cell(g.Tenant, maxCell))
	return c.grantSummary(g)
}

func checkCreate(o CreateOptions) error {
	switch {
	case o.For != "" && o.Standing:
		return Usagef("give either --for or --standing, not both")
	case o.For == "" && !o.Standing:
		return Usagef("say how long the grant lasts with --for (for example --for 7d), or give --standing")
	}
	return checkBy(o.By)
}

func checkBy(by string) error {
	if strings.TrimSpace(by) == "" {
		return Usagef("say who you are with --by (your user name could not be found)")
	}
	return nil
}

// splitScopes splits comma- or space-separated scope lists, defaulting to
// read, which every grant has.
func splitScopes(in []string) []string {
	if out := splitList(in); len(out) > 0 {
		return out
	}
	return []string{"read"}
}

// splitList splits comma- or space-separated lists into their names.
func splitList(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	return out
}

// grantSummary prints one grant as labelled lines.
func (c *Client) grantSummary(g store.Grant) error {
	t := newTable(c.Out)
	t.row("  grant", cell(g.ID, maxCell))
	t.row("  scopes", cell(strings.Join(g.Scopes, ", "), maxCell))
	if len(g.Areas) > 0 {
		t.row("  areas", cell("only "+strings.Join(g.Areas, ", "), maxCell))
	}
	if g.Standing() {
		t.row("  expires", "never (standing grant, until revoked)")
	} else {
		t.row("  expires", c.expires(g))
	}
	t.row("  granted by", cell(actor(&g.CreatedBy), maxCell))
	if g.Note != "" {
		t.row("  note", cell(g.Note, 2*maxCell))
	}
	return t.flush()
}
