package token

import (
	"encoding/json"
	"strings"
)

// discovery is the subset of OpenID Connect Discovery 1.0 metadata that
// lets a standard library find the keys and check the tokens.
type discovery struct {
	Issuer        string   `json:"issuer"`
	JWKSURI       string   `json:"jwks_uri"`
	ResponseTypes []string `json:"response_types_supported"`
	SubjectTypes  []string `json:"subject_types_supported"`
	SigningAlgs   []string `json:"id_token_signing_alg_values_supported"`
	Claims        []string `json:"claims_supported"`
}

// Discovery returns the OpenID discovery document for issuer, served at
// issuer + "/.well-known/openid-configuration"; the JWKS is at
// issuer + "/jwks.json".
func Discovery(issuer string) []byte {
	doc := discovery{
		Issuer:        issuer,
		JWKSURI:       strings.TrimSuffix(issuer, "/") + "/jwks.json",
		ResponseTypes: []string{"id_token"},
		SubjectTypes:  []string{"public"},
		SigningAlgs:   []string{Algorithm},
		Claims: []string{
			"iss", "aud", "sub", "tenant", "act", "scope", "sid", "grant",
			"break_glass", "iat", "nbf", "exp", "jti",
		},
	}
	// Only strings: encoding cannot fail.
	b, _ := json.Marshal(doc)
	return b
}
