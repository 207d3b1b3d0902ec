package redisstore

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
)

// Records are stored compressed when that is smaller: a JSON object of
// recordMinDeflate bytes or more is kept as markDeflated and its deflate
// primed with recordDict, the field names and words the product's records
// repeat (an agent's login record shrinks from about 400 bytes to 170). A
// value that starts with either mark byte on its own is kept behind
// markRaw; anything else, and every record an earlier version wrote (they
// are JSON or text), is kept and read as it is.
const (
	markDeflated     = 0x00
	markRaw          = 0x01
	recordMinDeflate = 96
	// maxRecordBytes bounds what a stored record may inflate to.
	maxRecordBytes = 64 << 20
)

// recordDict primes record compression; changing it makes records
// written before unreadable, so it is fixed.
var recordDict = []byte(`{"agent":{"sub":"","iss":"https://","email":"","name":""},"roles":["support"],"scopes":["read","write","pii"],"site":"https://","created_at":"-T00:00:00Z","expires_at":"","csrf":"","impersonation":{"tenant":"","session":"s_"}}`)

// encodeRecord returns value as it is stored.
func encodeRecord(value []byte) []byte {
	if len(value) >= recordMinDeflate && value[0] == '{' {
		var b bytes.Buffer
		b.WriteByte(markDeflated)
		zw, err := flate.NewWriterDict(&b, flate.BestCompression, recordDict)
		if err == nil && writeAll(zw, value) == nil && b.Len() < len(value) {
			return b.Bytes()
		}
	}
	if len(value) > 0 && (value[0] == markDeflated || value[0] == markRaw) {
		return append([]byte{markRaw}, value...)
	}
	return value
}

func writeAll(zw *flate.Writer, p []byte) error {
	if _, err := zw.Write(p); err != nil {
		return err
	}
	return zw.Close()
}

// decodeRecord returns the value a stored record holds.
func decodeRecord(stored []byte) ([]byte, error) {
	if len(stored) == 0 {
		return stored, nil
	}
	switch stored[0] {
	case markRaw:
		return stored[1:], nil
	case markDeflated:
		zr := flate.NewReaderDict(bytes.NewReader(stored[1:]), recordDict)
		defer zr.Close()
		v, err := io.ReadAll(io.LimitReader(zr, maxRecordBytes+1))
		switch {
		case err != nil:
			return nil, fmt.Errorf("inflate record: %w", err)
		case len(v) > maxRecordBytes:
			return nil, errors.New("record inflates past its limit")
		}
		return v, nil
	}
	return stored, nil
}
