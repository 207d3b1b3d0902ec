package cli

import (
	"errors"
	"testing"
)

func TestRotateKeys(t *testing.T) {
	c, f, out := newFake(map[string]answer{
		"POST /lockbox/keys/rotate": {200, `{"kid":"kid-NEW","previous_kept_for":"6m0s"}`},
	})
	if err := c.RotateKeys(RotateOptions{}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/keys/rotate", "")
	wantLines(t, out.String(),
		"Rotated the signing key: tokens are now signed with key kid-NEW.",
		"The previous key stays published for 6m0s, until the tokens it signed expire.",
	)
}

func TestRotateKeysJSON(t *testing.T) {
	c, _, out := newFake(map[string]answer{
		"POST /lockbox/keys/rotate": {200, `{"kid":"kid-NEW","previous_kept_for":"6m0s"}`},
	})
	if err := c.RotateKeys(RotateOptions{JSON: true}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "{\n  \"kid\": \"kid-NEW\",\n  \"previous_kept_for\": \"6m0s\"\n}\n" {
		t.Fatalf("output %q", got)
	}
}

func TestRotateFixedKey(t *testing.T) {
	c, _, out := newFake(map[string]answer{
		"POST /lockbox/keys/rotate": {409, `{"error":{"code":"fixed_signing_key","message":"the signing key comes from signing_key_file, so Lockbox does not rotate it: replace the file and reload"}}`},
	})
	err := c.RotateKeys(RotateOptions{})
	var e *APIError
	if !errors.As(err, &e) || e.Code != "fixed_signing_key" || Line(err) != "lockbox: the signing key comes from signing_key_file, so Lockbox does not rotate it: replace the file and reload" {
		t.Fatalf("err = %v", err)
	}
	if out.Len() != 0 {
		t.Fatalf("printed %q on error", out)
	}
}

func TestRotateLinkKey(t *testing.T) {
	c, f, out := newFake(map[string]answer{
		"POST /lockbox/keys/links/rotate": {200, `{"kid":"lk-NEW","previous_accepted_until":"2026-02-01T15:09:05Z"}`},
	})
	if err := c.RotateKeys(RotateOptions{Links: true}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/keys/links/rotate", "")
	wantLines(t, out.String(),
		"Rotated the admin link key: new links are signed with key lk-NEW.",
		"Links signed with the previous key keep opening until they expire; that key is dropped at 2026-02-01 15:09 UTC (in 30d).",
	)
}

func TestRotateFixedLinkKey(t *testing.T) {
	c, _, out := newFake(map[string]answer{
		"POST /lockbox/keys/links/rotate": {409, `{"error":{"code":"fixed_link_key","message":"the admin link key comes from link_key_file"}}`},
	})
	err := c.RotateKeys(RotateOptions{Links: true, JSON: true})
	if Line(err) != "lockbox: the admin link key comes from link_key_file" || out.Len() != 0 {
		t.Fatalf("err = %v, printed %q", err, out)
	}
}
