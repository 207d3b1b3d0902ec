package caddymodule

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

func TestOIDCTrustedAudiences(t *testing.T) {
	withWord := func(line string) string {
		return site("app.example.com", strings.Replace(minimalLockbox, "client_id lockbox", "client_id lockbox\n\t\t\t"+line, 1))
	}
	out, err := adapt(t, withWord("trusted_audiences project-1 api://lockbox"))
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		OIDC siteconfig.OIDC `json:"oidc"`
	}
	for _, m := range handlers(t, out) {
		if m["handler"] == "lockbox" {
			b, _ := json.Marshal(m)
			_ = json.Unmarshal(b, &h)
		}
	}
	if !slices.Equal(h.OIDC.TrustedAudiences, []string{"project-1", "api://lockbox"}) {
		t.Fatalf("trusted_audiences = %q", h.OIDC.TrustedAudiences)
	}
	for line, want := range map[string]string{
		"trusted_audiences": "oidc trusted_audiences needs at least one audience",
		"trusted_audiences a\n\t\t\ttrusted_audiences b": "oidc trusted_audiences is already set",
	} {
		if _, err := adapt(t, withWord(line)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", line, err, want)
		}
	}
}
