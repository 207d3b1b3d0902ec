package demoapp

import "testing"

func TestMasking(t *testing.T) {
	tests := []struct {
		name, in, want string
		mask           func(string) string
	}{
		{name: "email", in: "wile.coyote@acme.example", want: "w•••@acme.example", mask: maskEmail},
		{name: "email, non-ASCII first letter", in: "émile@acme.example", want: "é•••@acme.example", mask: maskEmail},
		{name: "not an email", in: "nobody", want: "•••", mask: maskEmail},
		{name: "email without local part", in: "@acme.example", want: "•••", mask: maskEmail},
		{name: "phone", in: "+1 555 010 2368", want: "••• ••• •• 68", mask: maskPhone},
		{name: "phone with one digit", in: "+1", want: "•••", mask: maskPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.mask(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnknownTenantGetsARecord(t *testing.T) {
	c := customerOf("initech", false)
	if c.Company != "initech" || c.Email != "p•••@initech.example" {
		t.Errorf("record %+v", c)
	}
}
