package token

import (
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// SignJWS signs payload as a compact JWS with the key, its kid in the
// header and typ set to typ, for documents other than tokens (audit
// checkpoints) that are checked against the same published JWKS.
func (k Key) SignJWS(payload []byte, typ string) (string, error) {
	if k.private == nil {
		return "", errors.New("sign: no key")
	}
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ)).WithHeader(jose.HeaderKey("kid"), k.ID)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k.private}, opts)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return obj.CompactSerialize()
}
