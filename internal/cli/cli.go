// Package cli is the lockbox command line: it talks to a running instance
// through the ops admin API and renders grants, audit events and chain
// verifications as tables for people or as JSON for scripts. It knows
// nothing of Caddy; the caddymodule package wires its commands to flags
// and hands it a Transport to the admin endpoint.
package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// Transport sends one request to the admin API. It returns the status and
// body of whatever answered, error statuses included, and an error only
// when no answer came (an *UnreachableError when nothing listens). body
// is nil for requests without one.
type Transport func(method, uri string, body []byte) (status int, respBody []byte, err error)

// Client runs the commands against one admin endpoint.
type Client struct {
	// Send performs the requests.
	Send Transport
	// Out receives the command's output.
	Out io.Writer
	// Now is the clock used for relative times (time.Now when nil).
	Now func() time.Time
}

// apiBase is the prefix of every ops admin route.
const apiBase = "/lockbox"

func (c *Client) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// call sends a request with in encoded as JSON (unless nil), checks the
// status, and decodes the answer into out (unless nil). It returns the raw
// answer too, which --json prints as the API sent it.
func (c *Client) call(method, uri string, in, out any) ([]byte, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, err
		}
	}
	status, resp, err := c.Send(method, uri, body)
	if err != nil {
		return nil, err
	}
	if status < 200 || status > 299 {
		return nil, ParseError(status, resp)
	}
	if out != nil {
		if err := json.Unmarshal(resp, out); err != nil {
			return nil, fmt.Errorf("the admin API sent an answer that is not Lockbox JSON (HTTP %d): %v", status, err)
		}
	}
	return resp, nil
}

// get is call for GET requests.
func (c *Client) get(uri string, out any) ([]byte, error) {
	return c.call(http.MethodGet, uri, nil, out)
}

// tenantPath returns the API path of a tenant's resource after checking
// the id here, so a typo gets the same clear message without a round trip
// and nothing odd ever lands in a URL.
func tenantPath(id string, parts ...string) (string, error) {
	if id == "" {
		return "", Usagef("--tenant is required")
	}
	if err := tenant.Validate(id); err != nil {
		return "", &UsageError{Message: err.Error()}
	}
	p := apiBase + "/tenants/" + url.PathEscape(id)
	for _, part := range parts {
		p += "/" + url.PathEscape(part)
	}
	return p, nil
}

// printJSON writes an API answer indented, with a final newline, so the
// output reads well and still parses as the API sent it.
func (c *Client) printJSON(raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(raw), "", "  "); err != nil {
		return fmt.Errorf("the admin API sent invalid JSON: %v", err)
	}
	buf.WriteByte('\n')
	_, err := c.Out.Write(buf.Bytes())
	return err
}

// query returns "?"+v encoded, or "" when v is empty.
func query(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}
