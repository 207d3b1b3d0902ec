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
