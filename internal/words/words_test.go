package words_test

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/words"
)

func TestUnprintable(t *testing.T) {
	for _, c := range []rune{'\n', '\r', '\t', 0, 0x7f, 0x85, '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069'} {
		if !words.Unprintable(c) {
			t.Errorf("%U passes as printable", c)
		}
	}
	for _, c := range []rune{'a', ' ', 'é', '—', '中', '\u202f', '\u2070'} {
		if words.Unprintable(c) {
			t.Errorf("%U refused", c)
		}
	}
}
