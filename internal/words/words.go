// Package words checks free text that people type and others read: a
// break-glass reason, an access request's reason, an admin's message.
package words

import "unicode"

// Unprintable reports whether c is a control character, a line or
// paragraph separator, or a bidirectional override or isolate, any of
// which could break a line or disguise what the text says.
func Unprintable(c rune) bool {
	return unicode.IsControl(c) || unicode.In(c, unicode.Zl, unicode.Zp) ||
		(c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
}
