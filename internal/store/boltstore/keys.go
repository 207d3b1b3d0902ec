package boltstore

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// u64Key encodes n so that byte order is numeric order.
func u64Key(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 16), n)
}

// seqKey is the key of an audit event.
func seqKey(seq int64) []byte { return u64Key(uint64(seq)) }

// microsKey encodes a signed microsecond count with the sign bit flipped,
// so negative values sort before positive ones.
func microsKey(us int64) []byte { return u64Key(uint64(us) ^ (1 << 63)) }

// ceilMicros returns t in unix microseconds, rounded up, so that an event
// stored at that microsecond is never before t.
func ceilMicros(t time.Time) int64 {
	us := t.UnixMicro()
	if time.UnixMicro(us).Before(t) && us < math.MaxInt64 {
		us++
	}
	return us
}

// orderKey is a grant's key in grant_order: creation time, then id to
// break ties and keep keys unique.
func orderKey(created time.Time, id string) []byte {
	return append(microsKey(created.UnixMicro()), id...)
}

// timeKey is an event's key in audit_time.
func timeKey(at time.Time, seq int64) []byte {
	return append(microsKey(at.UnixMicro()), seqKey(seq)...)
}

// seqOfKey returns the seq an audit key holds.
func seqOfKey(k []byte) uint64 { return binary.BigEndian.Uint64(k) }

// seqOfTimeKey returns the seq part of an audit_time key.
func seqOfTimeKey(k []byte) int64 { return int64(seqOfKey(k[8:16])) }

// encodeCursor turns the grant_order key of the last grant on a page into
// an opaque cursor. Keys, unlike positions, do not move when grants are
// added, so paging stays stable.
func encodeCursor(key []byte) string { return base64.RawURLEncoding.EncodeToString(key) }

// decodeCursor reverses encodeCursor. Whether the key exists is checked
// against the tenant's history.
func decodeCursor(cursor string) ([]byte, error) {
	key, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(key) <= 8 {
		return nil, store.ErrInvalidCursor
	}
	return key, nil
}
