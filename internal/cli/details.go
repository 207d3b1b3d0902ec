package cli

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Details renders an event's session and data as key=value pairs in key
// order, e.g. `note="ticket 42" scopes=read,write`. Times shrink to the
// second, lists join with commas, and values with spaces are quoted, so
// any event type reads well without knowing its fields.
func Details(e store.Event) string {
	var parts []string
	if e.Session != "" {
		parts = append(parts, "session="+value(e.Session))
	}
	data, ok := decodeObject(e.Data)
	if !ok {
		return strings.Join(append(parts, "data="+value(string(e.Data))), " ")
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, k+"="+format(data[k]))
	}
	return strings.Join(parts, " ")
}

// decodeObject decodes a JSON object keeping numbers as written. Empty
// data is an empty object.
func decodeObject(raw json.RawMessage) (map[string]any, bool) {
	if len(raw) == 0 {
		return nil, true
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, false
	}
	return m, true
}

// format renders one data value.
func format(v any) string {
	switch v := v.(type) {
	case string:
		return value(v)
	case []any:
		items := make([]string, len(v))
		for i, item := range v {
			items[i] = format(item)
		}
		return strings.Join(items, ",")
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	b, _ := json.Marshal(v) // decoded JSON always encodes again
	return string(b)
}

// value renders a string: a time in short UTC form, a plain word as is,
// anything else quoted.
func value(s string) string {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC().Format("2006-01-02T15:04:05Z")
	}
	if s == "" || strings.ContainsAny(s, " \"=,\\") || strings.ContainsFunc(s, isOdd) {
		return strconv.Quote(s)
	}
	return s
}

// isOdd reports characters that would make an unquoted value ambiguous
// or unreadable: control characters and non-ASCII spaces.
func isOdd(r rune) bool {
	return r < 0x20 || r == 0x7f || (r > 0x7f && !strconv.IsPrint(r))
}
