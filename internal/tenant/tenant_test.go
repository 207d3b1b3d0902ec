package tenant

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		id   string
		good bool
	}{
		{id: "acme", good: true},
		{id: "a", good: true},
		{id: "0day.co_x-1", good: true},
		{id: strings.Repeat("a", 63), good: true},
		{id: strings.Repeat("a", 64)},
		{id: ""},
		{id: "Acme"},
		{id: "-acme"},
		{id: ".acme"},
		{id: "acme/other"},
		{id: "acme:x"},
		{id: "{acme}"},
		{id: "acme\n"},
		{id: "acme\x00"},
		{id: "ac me"},
		{id: "acmé"},
		{id: "../etc"},
	}
	for _, tt := range tests {
		err := Validate(tt.id)
		if (err == nil) != tt.good {
			t.Errorf("Validate(%q) = %v, want good=%v", tt.id, err, tt.good)
		}
	}
	if err := Validate(strings.Repeat("x", 5000)); len(err.Error()) > 300 {
		t.Errorf("error for a huge id is %d bytes; it should quote a bounded prefix", len(err.Error()))
	}
}
