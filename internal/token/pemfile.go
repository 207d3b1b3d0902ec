package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"
)

// LoadPEM makes the key in the PEM file at path the only signing key, in
// place of the stored key set. The file holds an EC P-256 private key,
// PKCS#8 ("PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY"), unencrypted; its kid
// is its RFC 7638 thumbprint. Errors never quote the file's content.
func (k *Keys) LoadPEM(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read signing key file: %w", err)
	}
	priv, err := parsePEM(data)
	if err != nil {
		return fmt.Errorf("signing key file %s: %w", path, err)
	}
	key, err := keyOf(priv, time.Time{})
	if err != nil {
		return err
	}
	// A new gen: a reload that read the store before this never replaces it.
	_, err = k.install([]Key{key}, k.gen.Add(1), true)
	return err
}

// parsePEM returns the first private key in data, skipping the
// "EC PARAMETERS" block that `openssl ecparam -genkey` writes first.
func parsePEM(data []byte) (*ecdsa.PrivateKey, error) {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM-encoded private key found")
		}
		if block.Type == "EC PARAMETERS" {
			continue
		}
		if _, ok := block.Headers["Proc-Type"]; ok {
			return nil, errors.New("the key is encrypted; store it unencrypted with restricted file permissions")
		}
		return parseBlock(block)
	}
}

// parseBlock parses one PEM block as an EC P-256 private key. Parser
// errors are not passed on: only the caller's own words reach the error.
func parseBlock(block *pem.Block) (*ecdsa.PrivateKey, error) {
	switch block.Type {
	case "PRIVATE KEY":
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("the PRIVATE KEY block is not a valid PKCS#8 key")
		}
		return checkKey(parsed)
	case "EC PRIVATE KEY":
		priv, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("the EC PRIVATE KEY block is not a valid SEC 1 key")
		}
		return checkKey(priv)
	case "RSA PRIVATE KEY":
		return nil, errRSA
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("the key is encrypted; store it unencrypted with restricted file permissions")
	}
	return nil, fmt.Errorf("found a %q PEM block, not a private key", block.Type)
}

// errRSA refuses RSA keys: tokens are ES256.
var errRSA = errors.New("RSA keys are not supported; use an EC P-256 key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)")

// checkKey accepts only EC keys on P-256, the curve of ES256.
func checkKey(parsed any) (*ecdsa.PrivateKey, error) {
	switch key := parsed.(type) {
	case *ecdsa.PrivateKey:
		if key.Curve != elliptic.P256() {
			return nil, fmt.Errorf("the key is on curve %s; ES256 needs P-256", key.Curve.Params().Name)
		}
		return key, nil
	case *rsa.PrivateKey:
		return nil, errRSA
	}
	return nil, fmt.Errorf("%T keys are not supported; use an EC P-256 key", parsed)
}
