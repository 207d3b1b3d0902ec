package cli

import (
	"io"
	"strings"
	"text/tabwriter"
)

// Widest a cell may be; the full values are in --json.
const (
	maxCell    = 60
	maxDetails = 120
)

// table writes aligned columns for people.
type table struct {
	tw *tabwriter.Writer
}

// newTable starts a table, with a header row when headers are given.
func newTable(w io.Writer, headers ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	if len(headers) > 0 {
		t.row(headers...)
	}
	return t
}

// row adds one row; each value must already be a cell.
func (t *table) row(cells ...string) {
	_, _ = io.WriteString(t.tw, strings.Join(cells, "\t")+"\n")
}

// flush writes the table out.
func (t *table) flush() error { return t.tw.Flush() }

// cell makes s safe for a table cell: one line, no tabs or escape
// sequences (the values come from the store and could hold anything a
// client managed to put there), at most max characters, "-" when empty.
func cell(s string, max int) string {
	s = OneLine(s, max)
	if s == "" {
		return "-"
	}
	return s
}
