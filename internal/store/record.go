package store

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Record name limits, the same for every backend so a name that works on
// one works on all: ample for the ids the product makes, small enough
// that a caller cannot build huge keys.
const (
	maxRecordKind = 64
	maxRecordID   = 512
)

// CheckRecord rejects record names that are empty, too long, or whose
// kind holds a brace (a Redis hash tag) or a colon (which could make two
// kind, id pairs one key), for backends to call before every record
// operation.
func CheckRecord(kind, id string) error {
	switch {
	case kind == "" || id == "":
		return errors.New("record kind and id are required")
	case len(kind) > maxRecordKind:
		return fmt.Errorf("record kind longer than %d bytes", maxRecordKind)
	case strings.ContainsAny(kind, "{}:"):
		return fmt.Errorf("record kind %q contains a brace or colon", kind)
	case len(id) > maxRecordID:
		return fmt.Errorf("record id longer than %d bytes", maxRecordID)
	}
	return nil
}

// CheckRecordWrite is CheckRecord for a write, which also rejects a
// negative ttl (0 keeps the record until deleted).
func CheckRecordWrite(kind, id string, ttl time.Duration) error {
	if err := CheckRecord(kind, id); err != nil {
		return err
	}
	if ttl < 0 {
		return fmt.Errorf("record %s/%s: negative ttl %s", kind, id, ttl)
	}
	return nil
}
