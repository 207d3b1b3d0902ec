package policy

import (
	"unicode"
	"unicode/utf8"
)

// checkRunes refuses invalid UTF-8 (overlong forms included), C1 controls,
// invisible formatting characters, and characters that some servers turn
// into ASCII: by case mapping (Kelvin sign, long s, dotted and dotless i),
// by compatibility normalization (fullwidth forms, dot leaders) or by
// best-fit code page mapping (division and fraction slashes). Deny rules
// compare ASCII, so such a character could route where no rule looks.
func checkRunes(path string) error {
	for i := 0; i < len(path); {
		if path[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(path[i:])
		if r == utf8.RuneError && size == 1 {
			return refuse("it is not valid UTF-8")
		}
		if err := checkRune(r); err != nil {
			return err
		}
		i += size
	}
	return nil
}

// checkRune checks one non-ASCII rune.
func checkRune(r rune) error {
	switch {
	case unicode.IsControl(r):
		return refuse("it contains a control character")
	case unicode.Is(unicode.Cf, r):
		return refuse("it contains an invisible formatting character")
	case mapsToASCII(r):
		return refuse("it contains a character that some servers read as a plain ASCII one")
	}
	return nil
}

// mapsToASCII reports whether a non-ASCII r becomes ASCII through case
// mapping, case folding, or a well-known compatibility mapping.
func mapsToASCII(r rune) bool {
	if unicode.ToLower(r) < utf8.RuneSelf || unicode.ToUpper(r) < utf8.RuneSelf {
		return true
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return true
		}
	}
	switch {
	case 0xFF01 <= r && r <= 0xFF5E: // fullwidth ASCII
		return true
	case r == 0x2024, r == 0x2025, r == 0x2026, r == 0xFE52: // dot leaders, ellipsis, small full stop
		return true
	case r == 0x2044, r == 0x2215, r == 0x29F8, r == 0x29F9, r == 0xFE68: // slashes and backslashes
		return true
	}
	return false
}
