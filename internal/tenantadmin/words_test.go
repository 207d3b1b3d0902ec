package tenantadmin_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

func TestParseRules(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		name           string
		roles, words   []string
		wantRoles      []string
		wantDurations  []time.Duration
		wantNoStanding bool
		wantErr        string
	}{
		{name: "defaults", wantRoles: tenantadmin.DefaultRoles, wantDurations: tenantadmin.DefaultDurations},
		{name: "lengths without standing", words: []string{"7d", "1d"}, wantRoles: tenantadmin.DefaultRoles,
			wantDurations: []time.Duration{day, 7 * day}, wantNoStanding: true},
		{name: "lengths and standing", roles: []string{"owner"}, words: []string{"36h", "standing"}, wantRoles: []string{"owner"},
			wantDurations: []time.Duration{36 * time.Hour}},
		{name: "standing alone", words: []string{"standing"}, wantErr: "at least one length"},
		{name: "bad length", words: []string{"7 days"}, wantErr: "grant_durations: invalid duration"},
		{name: "blank role", roles: []string{" "}, wantErr: "admin role"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := tenantadmin.ParseRules(c.roles, c.words)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("ParseRules = %+v, %v; want error %q", r, err, c.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(r.Roles, c.wantRoles) || !slices.Equal(r.Durations, c.wantDurations) || r.NoStanding != c.wantNoStanding {
				t.Fatalf("ParseRules = %+v, %v; want roles %v, durations %v, no standing %v", r, err, c.wantRoles, c.wantDurations, c.wantNoStanding)
			}
		})
	}
}
