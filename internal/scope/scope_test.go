package scope

import (
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
		bad  bool
	}{
		{in: nil, want: []string{"read"}},
		{in: []string{"read,write"}, want: []string{"read", "write"}},
		{in: []string{"pii", "write"}, want: []string{"read", "write", "pii"}},
		{in: []string{"write write, read"}, want: []string{"read", "write"}},
		{in: []string{"admin"}, bad: true},
		{in: []string{"READ"}, bad: true},
		{in: []string{"read;write"}, bad: true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in...)
		if (err != nil) != tt.bad || !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v, bad=%v", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestIntersect(t *testing.T) {
	got := Intersect([]string{"pii", "read", "write"}, []string{"write", "read"})
	if !slices.Equal(got, []string{"read", "write"}) {
		t.Fatalf("Intersect = %v", got)
	}
	if got := Intersect([]string{"read"}, []string{"write"}); len(got) != 0 {
		t.Fatalf("disjoint Intersect = %v", got)
	}
}
