package adminlink

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Bounds of a key in a key file.
const (
	maxFileKey  = 512
	maxFileSize = 64 << 10
)

// UseKeyFile makes the keys in the file at path the only link keys, in
// place of those kept in the store, which is then neither read nor
// written for keys. The file holds one key per line, each at least 32
// random bytes in base64 (openssl rand -base64 32); blank lines and
// lines starting with # are skipped. The first key signs new links;
// every key opens the links it signed, so a key is rotated by putting a
// new one first and removing the old one once its links have expired.
// Errors never quote the file's content.
func (l *Links) UseKeyFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read link key file: %w", err)
	}
	keys, err := parseKeyFile(data)
	if err != nil {
		return fmt.Errorf("link key file %s: %w", path, err)
	}
	l.keys.useFixed(keys)
	return nil
}

// parseKeyFile reads the keys of a key file, the signing key first.
func parseKeyFile(data []byte) ([]linkKey, error) {
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("the file is larger than %d bytes", maxFileSize)
	}
	var keys []linkKey
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		secret, err := decodeFileKey(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		k := linkKey{ID: keyIDOf(secret), Secret: secret}
		if seen[k.ID] {
			return nil, fmt.Errorf("line %d repeats an earlier key", n)
		}
		seen[k.ID] = true
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, errors.New("a line is too long to be a key")
	}
	if len(keys) == 0 {
		return nil, errors.New("no key found: write one per line, at least 32 random bytes in base64 (openssl rand -base64 32)")
	}
	return keys, nil
}

// decodeFileKey decodes one line's base64, padded or not, standard or
// URL alphabet. Decoder errors are not passed on: they quote the input.
func decodeFileKey(line string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		secret, err := enc.Strict().DecodeString(line)
		if err != nil {
			continue
		}
		if len(secret) < keyLen || len(secret) > maxFileKey {
			return nil, fmt.Errorf("a key must be %d to %d bytes; this one is %d", keyLen, maxFileKey, len(secret))
		}
		return secret, nil
	}
	return nil, errors.New("not base64: write at least 32 random bytes in base64 (openssl rand -base64 32)")
}
