package gateway

import "strings"

// extValuePrefix marks an identity header value encoded as an RFC 8187
// ext-value: UTF-8, percent-encoded.
const extValuePrefix = "UTF-8''"

// headerValue returns s as Lockbox sends it in an identity header: as is
// when every byte is printable ASCII other than the few that some header
// parser reads as structure (% ' " , ; \), otherwise as an RFC 8187
// ext-value: extValuePrefix followed by the UTF-8 bytes, each byte
// outside RFC 8187's attr-char percent-encoded. A plain value never holds
// ' or %, so one that starts with the prefix is always an encoded one,
// and no value holds a comma, so no list parser reads two agents in it.
// The token keeps the exact claims.
func headerValue(s string) string {
	if plainHeaderValue(s) {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(extValuePrefix) + 3*len(s))
	b.WriteString(extValuePrefix)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if attrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xF])
	}
	return b.String()
}

// plainHeaderValue reports whether s can be sent unencoded.
func plainHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7F || strings.IndexByte(`%'",;\`, c) >= 0 {
			return false
		}
	}
	return true
}

// attrChar reports whether c is an RFC 8187 attr-char, sent as is inside
// an ext-value.
func attrChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
