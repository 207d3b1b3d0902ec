package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one link of a tenant's append-only audit chain.
type Event struct {
	// Seq is the event's 1-based position in the tenant's chain.
	Seq int64 `json:"seq"`
	// ID is the event's own id, given when the event is made and kept
	// through every retry of its append: a backend skips an event whose
	// id it already holds, so a retried append never duplicates it.
	// Empty for events written before ids existed.
	ID     string `json:"id,omitempty"`
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
// encoding (exactly as json.Marshal writes it) with Hash empty. Link
// stores Data compact, in its key order, so an event read back from any
// backend encodes to the same bytes.
func (e Event) Canonical() ([]byte, error) {
	data, err := compactJSON(e.Data)
	if err != nil {
		return nil, fmt.Errorf("event %s data: %w", e.Type, err)
	}
	e.Data = data
	return appendCanonical(nil, &e)
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
	out, _, head, err := LinkAllJSON(head, tenant, []Event{e})
	if err != nil {
		return Event{}, head, err
	}
	return out[0], head, nil
}

// LinkAll links events one after another onto head.
func LinkAll(head Head, tenant string, events []Event) ([]Event, Head, error) {
	out, _, next, err := LinkAllJSON(head, tenant, events)
	if err != nil {
		return nil, head, err
	}
	return out, next, nil
}

// LinkAllJSON is LinkAll that also returns each linked event's JSON, as
// json.Marshal writes it, for the backend to store: the hash is taken
// over the same encoding, so the event is encoded once. The encodings
// share one buffer.
func LinkAllJSON(head Head, tenant string, events []Event) ([]Event, [][]byte, Head, error) {
	out := make([]Event, len(events))
	ends := make([]int, len(events))
	buf := make([]byte, 0, encodedSize(tenant, events))
	for i, e := range events {
		var err error
		if e, err = prepare(head, tenant, e); err != nil {
			return nil, nil, head, err
		}
		if buf, err = appendLinked(buf, &e); err != nil {
			return nil, nil, head, err
		}
		out[i], ends[i] = e, len(buf)
		head = Head{Seq: e.Seq, Hash: e.Hash, Time: e.Time}
	}
	encoded := make([][]byte, len(events))
	start := 0
	for i, end := range ends {
		encoded[i] = buf[start:end:end]
		start = end
	}
	return out, encoded, head, nil
}

// prepare fills in what Link decides for e: tenant, Seq, PrevHash, the
// normalized Time and Data, and strings as they read back.
func prepare(head Head, tenant string, e Event) (Event, error) {
	if len(e.ID) > MaxEventID {
		return Event{}, fmt.Errorf("event %s: id longer than %d bytes", e.Type, MaxEventID)
	}
	e.Tenant = tenant
	e.Seq = head.Seq + 1
	e.PrevHash = head.Hash
	e.Hash = ""
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	if e.Time.Before(head.Time) {
		e.Time = head.Time
	}
	validUTF8(&e)
	if len(e.Data) > 0 {
		d, err := canonicalObject(e.Data)
		if err != nil {
			return Event{}, fmt.Errorf("event %s data: %w", e.Type, err)
		}
		e.Data = d
	}
	return e, nil
}

// appendLinked appends the stored encoding of e, whose Hash it sets: the
// canonical encoding, hashed, then completed with the hash.
func appendLinked(buf []byte, e *Event) ([]byte, error) {
	start := len(buf)
	buf, err := appendCanonical(buf, e)
	if err != nil {
		return buf[:start], err
	}
	sum := sha256.Sum256(buf[start:])
	// The canonical form ends with the empty hash, `""}`: write the hash
	// into it.
	buf = buf[:len(buf)-len(`"}`)]
	buf = hex.AppendEncode(buf, sum[:])
	e.Hash = string(buf[len(buf)-hex.EncodedLen(len(sum)):])
	return append(buf, `"}`...), nil
}

// encodedSize estimates the encoded size of events, to size the buffer:
// field names, seq, time and the two hashes take about 320 bytes.
func encodedSize(tenant string, events []Event) int {
	n := 0
	for _, e := range events {
		n += 320 + len(e.ID) + len(tenant) + len(e.Type) + len(e.Grant) + len(e.Session) + len(e.Data)
		if e.Actor != nil {
			n += len(e.Actor.ID) + len(e.Actor.Email) + len(e.Actor.Role) + len(e.Actor.Issuer)
		}
	}
	return n
}

// validUTF8 replaces invalid UTF-8 in e's strings the way reading the
// event back would, so the event hashes the same after a round trip.
func validUTF8(e *Event) {
	for _, s := range []*string{&e.ID, &e.Tenant, &e.Type, &e.Grant, &e.Session} {
		*s = toValidUTF8(*s)
	}
	if a := e.Actor; a != nil && !(utf8.ValidString(a.ID) && utf8.ValidString(a.Email) && utf8.ValidString(a.Role) && utf8.ValidString(a.Issuer)) {
		e.Actor = &Actor{ID: toValidUTF8(a.ID), Email: toValidUTF8(a.Email), Role: toValidUTF8(a.Role), Issuer: toValidUTF8(a.Issuer)}
	}
}

func toValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// errNotObject is returned for Data that is valid JSON but not an object.
var errNotObject = errors.New("not a JSON object")

// canonicalObject returns raw in the form it is stored and hashed in:
// compact, keys in the order given, with <, >, &, U+2028 and U+2029
// escaped as json.Marshal does, and invalid UTF-8 replaced. It must be a
// JSON object. Data already in that form is returned as it is.
func canonicalObject(raw json.RawMessage) (json.RawMessage, error) {
	if !utf8.Valid(raw) {
		raw = bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	d, err := compactJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotObject, err)
	}
	if d[0] != '{' {
		return nil, fmt.Errorf("%w: %.20s", errNotObject, d)
	}
	return d, nil
}

// compactJSON returns raw as json.Marshal writes a json.RawMessage:
// compact, HTML-escaped. It returns raw itself when that changes nothing,
// which is the usual case, and then allocates nothing.
func compactJSON(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 {
		return raw, nil
	}
	var scratch [512]byte
	b := bytes.NewBuffer(scratch[:0])
	if err := json.Compact(b, raw); err != nil {
		return nil, err
	}
	if needsHTMLEscape(b.Bytes()) {
		var esc bytes.Buffer
		json.HTMLEscape(&esc, b.Bytes())
		return esc.Bytes(), nil
	}
	if bytes.Equal(b.Bytes(), raw) {
		return raw, nil
	}
	return bytes.Clone(b.Bytes()), nil
}

// needsHTMLEscape reports whether b holds a byte json.HTMLEscape changes.
func needsHTMLEscape(b []byte) bool {
	for i, c := range b {
		switch {
		case c == '<' || c == '>' || c == '&':
			return true
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xA8: // U+2028, U+2029
			return true
		}
	}
	return false
}

// appendCanonical appends e's JSON encoding with Hash empty, byte for byte
// what json.Marshal writes, without its reflection. e.Data must already
// be compact and escaped (see compactJSON).
func appendCanonical(b []byte, e *Event) ([]byte, error) {
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	if e.ID != "" {
		b = appendField(b, `,"id":`, e.ID)
	}
	b = appendField(b, `,"tenant":`, e.Tenant)
	b = appendField(b, `,"type":`, e.Type)
	b = append(b, `,"time":"`...)
	b, err := e.Time.AppendText(b)
	if err != nil {
		return b, fmt.Errorf("event time: %w", err)
	}
	b = append(b, '"')
	if a := e.Actor; a != nil {
		b = appendField(b, `,"actor":{"id":`, a.ID)
		if a.Email != "" {
			b = appendField(b, `,"email":`, a.Email)
		}
		if a.Role != "" {
			b = appendField(b, `,"role":`, a.Role)
		}
		if a.Issuer != "" {
			b = appendField(b, `,"iss":`, a.Issuer)
		}
		b = append(b, '}')
	}
	if e.Grant != "" {
		b = appendField(b, `,"grant":`, e.Grant)
	}
	if e.Session != "" {
		b = appendField(b, `,"session":`, e.Session)
	}
	if len(e.Data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, e.Data...)
	}
	b = appendField(b, `,"prev_hash":`, e.PrevHash)
	return append(b, `,"hash":""}`...), nil
}

func appendField(b []byte, key, value string) []byte {
	return appendString(append(b, key...), value)
}

// appendString appends s as a JSON string, escaped exactly as
// encoding/json escapes it (HTML characters included).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscape(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// jsonSafe reports whether encoding/json writes the ASCII byte c as it is.
func jsonSafe(c byte) bool {
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
