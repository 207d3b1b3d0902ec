package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// PathError is a request path refused because servers could read it in
// more than one way, so a deny rule might not see what the app sees.
type PathError struct {
	// Reason says what is wrong as a clause fit to show a person, such as
	// "it contains an encoded slash (%2F)". It never quotes the path.
	Reason string
}

// Error describes the refusal, for logs.
func (e *PathError) Error() string { return "ambiguous request path: " + e.Reason }

// Decision returns the refusal to show for e.
func (e *PathError) Decision() Decision {
	return Decision{
		Code:    CodeAmbiguousPath,
		Message: "Lockbox refused this address during support access because " + e.Reason + ".",
	}
}

func refuse(reason string) error { return &PathError{Reason: reason} }

// CheckPath accepts an agent request's path only if every server would
// decode it the same way, and returns the decoded path that deny rules
// are matched against. rawPath is the path as sent (r.URL.EscapedPath();
// empty means path needed no escapes) and path its decoding (r.URL.Path).
//
// The reverse proxy sends the path upstream as r.URL.EscapedPath() gives
// it, so the app decodes the same bytes; by refusing encoded slashes and
// backslashes, dot and empty segments, segments ending in a dot or a
// space, double encoding, control characters, path parameters, invalid
// UTF-8 and look-alike characters, the decoding is the one path the app
// routes on, and Caddy's path cleaning leaves it as it is. Errors
// are *PathError. It does not allocate for an accepted path.
func CheckPath(rawPath, path string) (clean string, err error) {
	if rawPath != "" {
		if err := checkRaw(rawPath, path); err != nil {
			return "", err
		}
	}
	if err := checkDecoded(path); err != nil {
		return "", err
	}
	return path, nil
}

// checkRaw checks the bytes as sent and that they decode to path.
func checkRaw(raw, path string) error {
	j := 0
	for i := 0; i < len(raw); {
		c := raw[i]
		if c == '%' {
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return refuse("it has an invalid percent-encoding")
			}
			c = unhex(raw[i+1])<<4 | unhex(raw[i+2])
			if c == '/' {
				return refuse("it contains an encoded slash (%2F), which servers decode differently")
			}
			i += 3
		} else {
			if err := checkRawByte(c); err != nil {
				return err
			}
			i++
		}
		if j >= len(path) || path[j] != c {
			return refuse("its decoded form does not match the address sent")
		}
		j++
	}
	if j != len(path) {
		return refuse("its decoded form does not match the address sent")
	}
	return nil
}

// checkRawByte refuses bytes that cannot stand unencoded in a path.
func checkRawByte(c byte) error {
	switch {
	case isControl(c):
		return refuse("it contains a control character")
	case c == '\\':
		return refuse(reasonBackslash)
	case c == ' ' || c == '?' || c == '#':
		return refuse("it contains a character that must be percent-encoded")
	}
	return nil
}

const reasonBackslash = "it contains a backslash, which some servers read as a slash"

// checkDecoded checks the decoded path byte by byte, then segment by
// segment, then rune by rune.
func checkDecoded(path string) error {
	if !strings.HasPrefix(path, "/") {
		return refuse("it does not start with a slash")
	}
	for i := 0; i < len(path); i++ {
		if err := checkDecodedByte(path, i); err != nil {
			return err
		}
	}
	if err := checkSegments(path); err != nil {
		return err
	}
	return checkRunes(path)
}

// checkDecodedByte checks path[i], catching what an escape could hide.
func checkDecodedByte(path string, i int) error {
	switch c := path[i]; {
	case isControl(c):
		return refuse("it contains a control character")
	case c == '\\':
		return refuse(reasonBackslash)
	case c == ';':
		return refuse("it contains a semicolon, which some servers treat as the start of path parameters")
	case c == '%' && i+2 < len(path) && isHex(path[i+1]) && isHex(path[i+2]):
		return refuse("it is percent-encoded twice (%25 followed by a hex code)")
	}
	return nil
}

// checkSegments refuses empty and dot segments, which servers collapse or
// resolve, and segments ending in a dot or whitespace, which IIS and some
// Java servers trim ("/settings./billing" is "/settings/billing" there).
// A single trailing slash is an ordinary path.
func checkSegments(path string) error {
	for rest := path[1:]; ; {
		seg, after, more := strings.Cut(rest, "/")
		switch {
		case seg == "." || seg == "..":
			return refuse("it contains a dot segment (. or ..)")
		case seg == "" && more:
			return refuse("it contains an empty segment (//), which some servers collapse")
		case endsInDotOrSpace(seg):
			return refuse("a segment ends in a dot or a space, which some servers drop")
		}
		if !more {
			return nil
		}
		rest = after
	}
}

// endsInDotOrSpace reports whether seg ends in '.' or in a whitespace
// character (ASCII or Unicode).
func endsInDotOrSpace(seg string) bool {
	if seg == "" {
		return false
	}
	if c := seg[len(seg)-1]; c < utf8.RuneSelf {
		return c == '.' || c == ' ' || c == '\t'
	}
	r, _ := utf8.DecodeLastRuneInString(seg)
	return unicode.IsSpace(r)
}

func isControl(c byte) bool { return c < 0x20 || c == 0x7f }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
