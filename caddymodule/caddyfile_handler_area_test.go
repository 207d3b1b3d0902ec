package caddymodule

import (
	"strings"
	"testing"
)

func TestAreaErrors(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"name only", "area planning", "area takes a name and one or more path patterns"},
		{"nothing", "area", "area takes a name and one or more path patterns"},
		{"bad name", "area Planning /planning*", `invalid area name "Planning"`},
		{"bad pattern", "area planning planning*", `invalid pattern "planning*" in area planning: it must start with / or *`},
		{"encoded pattern", "area planning /%70lanning*", "write it decoded"},
		{"dot segment", "area planning /planning/../x", "dot segment"},
		{"duplicate name", "area planning /planning*\n\t\tarea planning /calendar*", "area planning is already defined"},
		{"block", "area planning /planning* {\n\t\t\tx\n\t\t}", "area takes no block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := adapt(t, site("app.example.com", block(tt.line)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}
