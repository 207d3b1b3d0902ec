// Package checkpoint signs a tenant's audit head so the tenant can hold
// proof of its chain: a compact JWS (ES256, kid of the gateway's token
// signing key, published in its JWKS) over {tenant, seq, hash, time}. A
// history rewritten after a checkpoint no longer has that hash at that
// seq, even if every later hash was recomputed.
package checkpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Type is the JWS typ header of a checkpoint.
const Type = "lockbox-audit-checkpoint+jws"

// Errors of Parse; callers test them with errors.Is.
var (
	// ErrMalformed: not a checkpoint JWS.
	ErrMalformed = errors.New("not a checkpoint")
	// ErrUnknownKey: signed by a key the given JWKS does not publish.
	ErrUnknownKey = errors.New("checkpoint signed by an unknown key")
	// ErrBadSignature: the signature does not verify with the key it names.
	ErrBadSignature = errors.New("checkpoint signature does not verify")
)

// Checkpoint is a tenant's audit head at a moment.
type Checkpoint struct {
	Tenant string `json:"tenant"`
	// Seq and Hash are those of the chain's last event.
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	// Time is when the checkpoint was signed.
	Time time.Time `json:"time"`
}

// Signed is a checkpoint with its JWS.
type Signed struct {
	Checkpoint
	// KID is the signing key's id.
	KID string `json:"kid"`
	// JWS is the compact serialization a tenant keeps and verifies.
	JWS string `json:"jws"`
}

// Sign signs the tenant's head at now with key.
func Sign(key token.Key, tenant string, head store.Head, now time.Time) (Signed, error) {
	cp := Checkpoint{Tenant: tenant, Seq: head.Seq, Hash: head.Hash, Time: now.UTC().Truncate(time.Second)}
	payload, err := json.Marshal(cp)
	if err != nil {
		return Signed{}, err
	}
	jws, err := key.SignJWS(payload, Type)
	if err != nil {
		return Signed{}, fmt.Errorf("checkpoint of %s: %w", tenant, err)
	}
	return Signed{Checkpoint: cp, KID: key.ID, JWS: jws}, nil
}

// Parse checks jws against the keys of jwks (a JSON Web Key Set, such as
// the gateway publishes) and returns the checkpoint it signs.
func Parse(jws string, jwks []byte) (Signed, error) {
	obj, err := jose.ParseSigned(jws, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil || len(obj.Signatures) != 1 {
		return Signed{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	h := obj.Signatures[0].Header
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != Type {
		return Signed{}, fmt.Errorf("%w: typ %q", ErrMalformed, typ)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwks, &set); err != nil {
		return Signed{}, fmt.Errorf("read JWKS: %w", err)
	}
	keys := set.Key(h.KeyID)
	if h.KeyID == "" || len(keys) == 0 {
		return Signed{}, fmt.Errorf("%w: kid %q", ErrUnknownKey, h.KeyID)
	}
	payload, err := obj.Verify(keys[0])
	if err != nil {
		return Signed{}, fmt.Errorf("%w (kid %s)", ErrBadSignature, h.KeyID)
	}
	var cp Checkpoint
	if err := json.Unmarshal(payload, &cp); err != nil || cp.Tenant == "" || cp.Seq < 0 {
		return Signed{}, fmt.Errorf("%w: payload", ErrMalformed)
	}
	return Signed{Checkpoint: cp, KID: h.KeyID, JWS: jws}, nil
}
