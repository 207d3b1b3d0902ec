package token

import (
	"encoding/json"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// buildJWKS encodes the public halves of keys as a JSON Web Key Set.
func buildJWKS(keys []Key) ([]byte, error) {
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(keys))}
	for _, k := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{
			Key:       k.Public(),
			KeyID:     k.ID,
			Algorithm: Algorithm,
			Use:       "sig",
		})
	}
	b, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("encode JWKS: %w", err)
	}
	return b, nil
}
