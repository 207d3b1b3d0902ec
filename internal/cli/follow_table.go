package cli

import (
	"io"
	"strings"
	"unicode/utf8"
)

// followWidths are the audit columns' starting widths when following:
// wide enough for most values, so rows printed at different times line
// up under the one header (DETAILS, last, is not padded).
var followWidths = []int{6, len("2006-01-02 15:04:05 UTC"), 20, 28, 30, 0}

// followTable prints rows as they arrive under one header. A cell wider
// than its column widens the column for the rows after it.
type followTable struct {
	out     io.Writer
	widths  []int
	started bool
}

func newFollowTable(out io.Writer) *followTable {
	return &followTable{out: out, widths: append([]int(nil), followWidths...)}
}

// print writes rows, after the header the first time.
func (f *followTable) print(rows [][]string) error {
	var b strings.Builder
	if !f.started {
		f.line(&b, eventHeaders)
		f.started = true
	}
	for _, r := range rows {
		f.line(&b, r)
	}
	_, err := io.WriteString(f.out, b.String())
	return err
}

func (f *followTable) line(b *strings.Builder, cells []string) {
	for i, c := range cells {
		if i == len(cells)-1 {
			b.WriteString(c)
			break
		}
		n := utf8.RuneCountInString(c)
		f.widths[i] = max(f.widths[i], n)
		b.WriteString(c)
		b.WriteString(strings.Repeat(" ", f.widths[i]-n+2))
	}
	b.WriteByte('\n')
}
