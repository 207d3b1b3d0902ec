package tenantadmin_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

const day = 24 * time.Hour

func TestNormalizedFillsDefaults(t *testing.T) {
	r, err := tenantadmin.Rules{}.Normalized()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Roles, []string{"owner", "admin"}) || !slices.Equal(r.Durations, []time.Duration{day, 7 * day, 28 * day}) {
		t.Fatalf("defaults %+v", r)
	}
	r.Durations[0] = time.Hour // a copy: the package default stays
	if tenantadmin.DefaultDurations[0] != day {
		t.Fatal("Normalized shares the default slice")
	}
	r, err = tenantadmin.Rules{Durations: []time.Duration{7 * day, day, 7 * day}}.Normalized()
	if err != nil || !slices.Equal(r.Durations, []time.Duration{day, 7 * day}) {
		t.Fatalf("sorted, compacted: %v, %v", r.Durations, err)
	}
}

func TestNormalizedRefuses(t *testing.T) {
	tests := map[string]tenantadmin.Rules{
		"blank role":     {Roles: []string{" "}},
		"control role":   {Roles: []string{"own\ner"}},
		"too short":      {Durations: []time.Duration{time.Second}},
		"too long":       {Durations: []time.Duration{401 * day}},
		"negative":       {Durations: []time.Duration{-day}},
		"one bad of two": {Durations: []time.Duration{day, 0}},
	}
	for name, r := range tests {
		if _, err := r.Normalized(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDuration(t *testing.T) {
	r, _ := tenantadmin.Rules{}.Normalized()
	noStanding, _ := tenantadmin.Rules{NoStanding: true}.Normalized()
	tests := []struct {
		name     string
		rules    tenantadmin.Rules
		duration string
		standing bool
		want     time.Duration
		err      string
	}{
		{"one day", r, "1d", false, day, ""},
		{"hours of a day", r, "24h", false, day, ""},
		{"seven days", r, "7d", false, 7 * day, ""},
		{"standing", r, "", true, 0, ""},
		{"not offered", r, "3d", false, 0, `duration "3d" is not offered; choose 1d, 7d, 28d or standing`},
		{"garbage", r, "soon", false, 0, "is not offered"},
		{"none", r, "", false, 0, "give a duration (1d, 7d, 28d or standing)"},
		{"both", r, "1d", true, 0, "give one or the other"},
		{"standing refused", noStanding, "", true, 0, "standing grants are not offered; choose 1d, 7d or 28d"},
		{"long text clipped", r, strings.Repeat("x", 200), false, 0, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rules.Duration(tt.duration, tt.standing)
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Duration = %s, %v; want %s", got, err, tt.want)
				}
				return
			}
			p := problem.As(err)
			if p.Code != "invalid_duration" || p.Kind != problem.Invalid || !strings.Contains(p.Message, tt.err) {
				t.Fatalf("Duration error %q (%s), want %q", p.Message, p.Code, tt.err)
			}
		})
	}
}

func TestChoices(t *testing.T) {
	r, _ := tenantadmin.Rules{Durations: []time.Duration{90 * time.Minute, 2 * day}}.Normalized()
	var values []string
	for _, c := range r.Choices() {
		values = append(values, c.Value())
	}
	if !slices.Equal(values, []string{"1h30m0s", "2d", "standing"}) || r.ChoiceList() != "1h30m0s, 2d or standing" {
		t.Fatalf("choices %v, %q", values, r.ChoiceList())
	}
	for _, c := range r.Choices() {
		if _, err := r.Duration(strings.TrimPrefix(c.Value(), tenantadmin.Standing), c.Standing); err != nil {
			t.Fatalf("choice %q is refused: %v", c.Value(), err)
		}
	}
	one, _ := tenantadmin.Rules{Durations: []time.Duration{day}, NoStanding: true}.Normalized()
	if one.ChoiceList() != "1d" {
		t.Fatalf("one choice: %q", one.ChoiceList())
	}
}

func TestRoleAllowed(t *testing.T) {
	r, _ := tenantadmin.Rules{}.Normalized()
	if err := r.RoleAllowed(admins.Admin{Role: "owner"}); err != nil {
		t.Fatal(err)
	}
	err := r.RoleAllowed(admins.Admin{Role: "viewer"})
	if p := problem.As(err); p.Kind != problem.Forbidden || p.Code != "role_not_allowed" || !strings.Contains(p.Message, "allowed roles: owner, admin") {
		t.Fatalf("viewer: %v", err)
	}
}
