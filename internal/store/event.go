package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one link of a tenant's append-only audit chain.
type Event struct {
	// Seq is the event's 1-based position in the tenant's chain.
	Seq    int64  `json:"seq"`
	Tenant string `json:"tenant"`
	// Type is one of the audit types of the contract, e.g. "grant.created".
	Type string    `json:"type"`
	Time time.Time `json:"time"`
	// Actor is who caused the event.
	Actor   *Actor `json:"actor,omitempty"`
	Grant   string `json:"grant,omitempty"`
	Session string `json:"session,omitempty"`
	// Data holds the type's details as a JSON object.
	Data json.RawMessage `json:"data,omitempty"`
	// PrevHash is the Hash of the previous event, empty for the first.
	PrevHash string `json:"prev_hash"`
	// Hash is hex SHA-256 over the event's canonical form, which includes
	// PrevHash, so editing any stored event breaks the chain after it.
	Hash string `json:"hash"`
}

// Head is the last link of a tenant's chain.
type Head struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	Time time.Time `json:"time"`
}

// Canonical returns the bytes the event's hash is computed over: its JSON
// encoding with Hash empty. Data is compacted at Link time, so an event
// read back from any backend encodes to the same bytes.
func (e Event) Canonical() ([]byte, error) {
	e.Hash = ""
	return json.Marshal(e)
}

// ComputeHash returns the hash the event should carry.
func (e Event) ComputeHash() (string, error) {
	b, err := e.Canonical()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Link makes e the link after head: it fills in Seq, PrevHash and Hash,
// normalizes Time (now when unset; UTC, microseconds; never before
// head.Time, so Seq order is time order) and returns the new head.
// Backends call it inside their atomic append.
func Link(head Head, tenant string, e Event) (Event, Head, error) {
	e.Tenant = tenant
	e.Seq = head.Seq + 1
	e.PrevHash = head.Hash
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	if e.Time.Before(head.Time) {
		e.Time = head.Time
	}
	if len(e.Data) > 0 {
		d, err := compactObject(e.Data)
		if err != nil {
			return Event{}, head, fmt.Errorf("event %s data: %w", e.Type, err)
		}
		e.Data = d
	}
	h, err := e.ComputeHash()
	if err != nil {
		return Event{}, head, err
	}
	e.Hash = h
	return e, Head{Seq: e.Seq, Hash: h, Time: e.Time}, nil
}

// LinkAll links events one after another onto head.
func LinkAll(head Head, tenant string, events []Event) ([]Event, Head, error) {
	out := make([]Event, len(events))
	for i, e := range events {
		var err error
		if out[i], head, err = Link(head, tenant, e); err != nil {
			return nil, head, err
		}
	}
	return out, head, nil
}

// compactObject re-encodes a JSON object in its canonical form (sorted
// keys, no spaces), so the stored bytes hash the same after a round trip.
func compactObject(raw json.RawMessage) (json.RawMessage, error) {
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if v == nil { // JSON null decodes into a nil map without error
		return nil, fmt.Errorf("not a JSON object: null")
	}
	return json.Marshal(v)
}
