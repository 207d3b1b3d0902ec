package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The store record that holds the key set.
const (
	recordKind = "keys"
	recordID   = "signing"
)

// errCorrupt is returned for a key set record that cannot be read. It
// never carries the record's text, which holds private keys.
var errCorrupt = errors.New("the signing keys in the store are unreadable")

// record is the stored key set: the current key first, then retired ones.
type record struct {
	Keys []recordKey `json:"keys"`
}

// recordKey is one stored key; PKCS8 is the DER private key, which JSON
// carries as base64.
type recordKey struct {
	ID        string    `json:"kid"`
	PKCS8     []byte    `json:"pkcs8"`
	CreatedAt time.Time `json:"created_at"`
	RetiredAt time.Time `json:"retired_at,omitzero"`
	KeepUntil time.Time `json:"keep_until,omitzero"`
}

// encodeRecord returns the stored form of keys.
func encodeRecord(keys []Key) ([]byte, error) {
	r := record{Keys: make([]recordKey, 0, len(keys))}
	for _, k := range keys {
		der, err := x509.MarshalPKCS8PrivateKey(k.private)
		if err != nil {
			return nil, fmt.Errorf("encode signing key %s: %w", k.ID, err)
		}
		r.Keys = append(r.Keys, recordKey{
			ID: k.ID, PKCS8: der, CreatedAt: k.CreatedAt,
			RetiredAt: k.RetiredAt, KeepUntil: k.keepUntil,
		})
	}
	return json.Marshal(r)
}

// decodeRecord reads a stored key set and checks that exactly one key,
// the first, is current.
func decodeRecord(raw []byte) ([]Key, error) {
	var r record
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, errCorrupt
	}
	keys := make([]Key, 0, len(r.Keys))
	for i, rk := range r.Keys {
		k, err := decodeKey(rk)
		if err != nil {
			return nil, err
		}
		if current := k.RetiredAt.IsZero(); current != (i == 0) {
			return nil, fmt.Errorf("%w: the current key must come first and be the only one", errCorrupt)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no keys", errCorrupt)
	}
	return keys, nil
}

// decodeKey parses one stored key.
func decodeKey(rk recordKey) (Key, error) {
	parsed, err := x509.ParsePKCS8PrivateKey(rk.PKCS8)
	if err != nil || rk.ID == "" {
		return Key{}, fmt.Errorf("%w: bad key %q", errCorrupt, rk.ID)
	}
	priv, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || priv.Curve != elliptic.P256() {
		return Key{}, fmt.Errorf("%w: key %q is not an EC P-256 key", errCorrupt, rk.ID)
	}
	return Key{
		ID: rk.ID, CreatedAt: rk.CreatedAt, RetiredAt: rk.RetiredAt,
		keepUntil: rk.KeepUntil, private: priv,
	}, nil
}
