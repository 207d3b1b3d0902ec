package policy

import (
	"net/http"
	"net/textproto"
	"strings"
	"unicode/utf8"
)

// Header names compare folded: ASCII case ignored, and '_' and '.' read as
// '-'. Servers such as nginx and frameworks such as Rack or PHP's CGI layer
// turn '_' and '-' into the same variable name, so "X_Lockbox_Tenant" can
// reach an app as X-Lockbox-Tenant.

// foldByte folds one header-name byte.
func foldByte(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c + ('a' - 'A')
	case c == '_' || c == '.':
		return '-'
	}
	return c
}

// foldName folds a whole name; used on configuration, not per request.
func foldName(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = foldByte(c)
	}
	return string(b)
}

// hasFoldedPrefix reports whether name starts with the folded prefix p.
func hasFoldedPrefix(name, p string) bool {
	if len(name) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if foldByte(name[i]) != p[i] {
			return false
		}
	}
	return true
}

// foldedEqual reports whether name equals the folded name p.
func foldedEqual(name, p string) bool {
	return len(name) == len(p) && hasFoldedPrefix(name, p)
}

// isMethodOverride reports whether name is one of the method override
// headers.
func isMethodOverride(name string) bool {
	return foldedEqual(name, "x-http-method-override") ||
		foldedEqual(name, "x-http-method") ||
		foldedEqual(name, "x-method-override")
}

// isNameRune reports whether r may appear in a header prefix.
func isNameRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		r == '-' || r == '_' || r == '.'
}

// scrubConnection removes tokens starting with p from the Connection
// values, trimmed as the reverse proxy trims them before deleting the
// headers they name. It allocates only when there is something to remove.
func scrubConnection(h http.Header, values []string, p string) int {
	if !anyToken(values, p) {
		return 0
	}
	removed := 0
	var kept []string
	for _, v := range values {
		var toks []string
		for rest := v; rest != ""; {
			var tok string
			tok, rest, _ = strings.Cut(rest, ",")
			tok = textproto.TrimString(tok)
			switch {
			case tok == "":
			case hasFoldedPrefix(tok, p):
				removed++
			default:
				toks = append(toks, tok)
			}
		}
		if len(toks) > 0 {
			kept = append(kept, strings.Join(toks, ", "))
		}
	}
	if len(kept) == 0 {
		delete(h, "Connection")
	} else {
		h["Connection"] = kept
	}
	return removed
}

// anyToken reports whether a comma-separated token in values starts with
// p.
func anyToken(values []string, p string) bool {
	for _, v := range values {
		for rest := v; rest != ""; {
			var tok string
			tok, rest, _ = strings.Cut(rest, ",")
			if hasFoldedPrefix(textproto.TrimString(tok), p) {
				return true
			}
		}
	}
	return false
}

// clip shortens s for an error message, on a rune boundary.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	n := 40
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
