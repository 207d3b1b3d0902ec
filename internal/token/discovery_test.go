package token_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/token"
)

func TestDiscovery(t *testing.T) {
	var doc struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := json.Unmarshal(token.Discovery(testIssuer), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Issuer != testIssuer || doc.JWKSURI != testIssuer+"/jwks.json" || !slices.Equal(doc.Algs, []string{"ES256"}) {
		t.Fatalf("discovery = %+v", doc)
	}
}
