package adminlink

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// linkKey is one HMAC key of admin links.
type linkKey struct {
	// ID is the kid links carry in their header: a hash of the secret.
	ID     string `json:"kid"`
	Secret []byte `json:"secret"`
	// CreatedAt is when Lockbox made it; zero for a key from a file.
	CreatedAt time.Time `json:"created_at,omitzero"`
	// RetiredAt is when a newer key took over signing; KeepUntil is
	// when the key stops opening the links it signed. Zero while it
	// signs.
	RetiredAt time.Time `json:"retired_at,omitzero"`
	KeepUntil time.Time `json:"keep_until,omitzero"`
	// Legacy marks the key kept before keys rotated, whose links carry
	// no kid.
	Legacy bool `json:"legacy,omitempty"`
}

// accepted reports whether the key still opens links at now.
func (k linkKey) accepted(now time.Time) bool {
	return k.RetiredAt.IsZero() || now.Before(k.KeepUntil)
}

// keySet is one snapshot of the keys, the signing key first.
type keySet struct {
	keys     []linkKey
	fixed    bool // from a file: never reloaded, never rotated
	loadedAt time.Time
}

// find returns the key named kid; an empty kid names the legacy key.
func (s *keySet) find(kid string) (linkKey, bool) {
	for _, k := range s.keys {
		if (kid == "" && k.Legacy) || (kid != "" && k.ID == kid) {
			return k, true
		}
	}
	return linkKey{}, false
}

// keyIDOf is the kid of secret: the first 96 bits of its SHA-256, which
// names the key without revealing it.
func keyIDOf(secret []byte) string {
	sum := sha256.Sum256(secret)
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// storedKeys is the stored form of the keys.
type storedKeys struct {
	Keys []linkKey `json:"keys"`
}

func encodeKeys(keys []linkKey) ([]byte, error) {
	return json.Marshal(storedKeys{Keys: keys})
}

// decodeKeys reads the stored keys. A record of exactly keyLen bytes is
// the single key of earlier versions, whose links carry no kid; it stays
// the signing key until the first rotation.
func decodeKeys(raw []byte) ([]linkKey, error) {
	if len(raw) == keyLen {
		return []linkKey{{ID: keyIDOf(raw), Secret: raw, Legacy: true}}, nil
	}
	var s storedKeys
	if err := json.Unmarshal(raw, &s); err != nil || len(s.Keys) == 0 {
		return nil, errCorruptKey
	}
	for i, k := range s.Keys {
		if len(k.Secret) < keyLen || k.ID != keyIDOf(k.Secret) || k.RetiredAt.IsZero() != (i == 0) {
			return nil, fmt.Errorf("%w: key %d", errCorruptKey, i)
		}
	}
	return s.Keys, nil
}
