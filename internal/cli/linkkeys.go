package cli

import (
	"fmt"
	"net/http"
	"time"
)

// linkRotation is the API's answer to a rotation of the admin link key.
type linkRotation struct {
	KID                   string    `json:"kid"`
	PreviousAcceptedUntil time.Time `json:"previous_accepted_until"`
}

// RotateLinkKey makes a new key sign links to the Support Access page on
// every instance; the previous key keeps opening its links until they
// expire.
func (c *Client) RotateLinkKey(o RotateOptions) error {
	var r linkRotation
	raw, err := c.call(http.MethodPost, apiBase+"/keys/links/rotate", nil, &r)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	_, err = fmt.Fprintf(c.Out, "Rotated the admin link key: new links are signed with key %s.\n"+
		"Links signed with the previous key keep opening until they expire; that key is dropped at %s (%s).\n",
		cell(r.KID, maxCell), Absolute(r.PreviousAcceptedUntil), Relative(r.PreviousAcceptedUntil, c.now()))
	return err
}
