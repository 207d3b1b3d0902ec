package cli

import (
	"fmt"
	"net/http"
)

// RotateOptions are the flags of `lockbox keys rotate`.
type RotateOptions struct {
	// Links rotates the key of admin links instead of the token keys.
	Links bool
	JSON  bool
}

// rotation is the API's answer to a key rotation.
type rotation struct {
	KID             string `json:"kid"`
	PreviousKeptFor string `json:"previous_kept_for"`
}

// RotateKeys makes a new key sign impersonation tokens on every instance,
// or with o.Links admin links (see RotateLinkKey).
func (c *Client) RotateKeys(o RotateOptions) error {
	if o.Links {
		return c.RotateLinkKey(o)
	}
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
