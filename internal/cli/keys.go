package cli

import (
	"fmt"
	"net/http"
)

// RotateOptions are the flags of `lockbox keys rotate`.
type RotateOptions struct {
	JSON bool
}

// rotation is the API's answer to a key rotation.
type rotation struct {
	KID             string `json:"kid"`
	PreviousKeptFor string `json:"previous_kept_for"`
}

// RotateKeys makes a new key sign impersonation tokens on every instance.
func (c *Client) RotateKeys(o RotateOptions) error {
	var r rotation
	raw, err := c.call(http.MethodPost, apiBase+"/keys/rotate", nil, &r)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	_, err = fmt.Fprintf(c.Out, "Rotated the signing key: tokens are now signed with key %s.\n"+
		"The previous key stays published for %s, until the tokens it signed expire.\n",
		cell(r.KID, maxCell), cell(r.PreviousKeptFor, maxCell))
	return err
}
