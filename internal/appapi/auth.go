package appapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// keyParams are query parameters that look like a key sent in the URL,
// where proxies and logs would keep it.
var keyParams = []string{"api_key", "apikey", "api-key", "access_token", "key"}

// keyring holds the SHA-256 of each accepted key. Comparing digests makes
// every comparison the same length, so timing does not tell how much of a
// key matched or how long the key is.
type keyring [][sha256.Size]byte

func newKeyring(keys []string) keyring {
	k := make(keyring, 0, len(keys))
	for _, key := range keys {
		k = append(k, sha256.Sum256([]byte(key)))
	}
	return k
}

// accepts reports whether key is one of the keys. It compares against
// every key whatever matched, so all calls take the same time.
func (k keyring) accepts(key string) bool {
	sum := sha256.Sum256([]byte(key))
	match := 0
	for i := range k {
		match |= subtle.ConstantTimeCompare(sum[:], k[i][:])
	}
	return match == 1
}

// authorize checks the request's bearer key; the OpenAPI document is
// public, but no request may carry a key in its URL.
func (h *Handler) authorize(r *http.Request) error {
	if keyInQuery(r) {
		return unauthorized("send the API key in the Authorization header, never in the URL")
	}
	if r.URL.Path == h.cfg.base()+openAPIPath {
		return nil
	}
	key, ok := bearer(r)
	switch {
	case !ok:
		return unauthorized("send the API key as Authorization: Bearer <key>")
	case !h.keys.accepts(key):
		return unauthorized("the API key is not valid")
	}
	return nil
}

// bearer returns the credential of the request's single Authorization
// header if it uses the Bearer scheme.
func bearer(r *http.Request) (string, bool) {
	vals := r.Header.Values("Authorization")
	if len(vals) != 1 {
		return "", false
	}
	scheme, cred, ok := strings.Cut(strings.TrimSpace(vals[0]), " ")
	cred = strings.TrimSpace(cred)
	return cred, ok && strings.EqualFold(scheme, "Bearer") && cred != ""
}

func keyInQuery(r *http.Request) bool {
	// ParseQuery keeps going past a malformed pair, so a key is found
	// whatever surrounds it.
	q, _ := url.ParseQuery(r.URL.RawQuery)
	for name := range q {
		for _, p := range keyParams {
			if strings.EqualFold(name, p) {
				return true
			}
		}
	}
	return false
}

func unauthorized(msg string) error {
	return httpjson.WithStatus(http.StatusUnauthorized, problem.New(problem.Forbidden, "unauthorized", "%s", msg))
}
