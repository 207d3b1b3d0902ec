package siteconfig

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

const goodKey = "abcdefghijklmnopqrstuvwxyz012345"

func TestAccessValidate(t *testing.T) {
	tests := []struct {
		name      string
		access    Access
		want      string
		word, key string
	}{
		{name: "empty", access: Access{}},
		{name: "keys", access: Access{APIKeys: []string{goodKey, "{env.KEY}"}}},
		{name: "short key", access: Access{APIKeys: []string{goodKey, "hunter2"}}, want: "the key must be 16 to 512 printable characters", word: "api_key", key: "1"},
		{name: "key with a space", access: Access{APIKeys: []string{"abcdefgh ijklmnopqrstu"}}, want: "without spaces", word: "api_key", key: "0"},
		{name: "public url not absolute", access: Access{PublicURL: "app.example.com"}, want: `public_url "app.example.com" must be an absolute`, word: "public_url"},
		{name: "public url placeholder checked later", access: Access{PublicURL: "{env.PUBLIC}"}},
		{name: "link ttl too long", access: Access{LinkTTL: 60 * 24 * time.Hour}, want: "link_ttl 60d is out of range", word: "link_ttl"},
		{name: "empty admin role", access: Access{AdminRoles: []string{" "}}, want: "admin role", word: "admin_roles"},
		{name: "grant duration word", access: Access{GrantDurations: []string{"7d", "forever"}}, want: `grant_durations: invalid duration "forever"`, word: "grant_durations"},
		{name: "only standing", access: Access{GrantDurations: []string{"standing"}}, want: "grant_durations needs at least one length", word: "grant_durations"},
		{name: "grant duration too short", access: Access{GrantDurations: []string{"10s"}}, want: "grant duration 10s is out of range", word: "grant_durations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.access.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "hunter2"):
				t.Fatalf("error %q repeats the key", err)
			}
			var we *WordError
			if got := errors.As(err, &we); got != (tt.word != "") || (got && (we.Word != tt.word || we.Key != tt.key)) {
				t.Errorf("error %v names %+v; want %q %q", err, we, tt.word, tt.key)
			}
		})
	}
}

func TestAccessResolve(t *testing.T) {
	vars := map[string]string{"KEY": goodKey, "PUBLIC": "https://support.example.com/", "BAD": "app.example.com", "SHORT": "hunter2"}
	a := Access{APIKeys: []string{"{env.KEY}"}, PublicURL: "{env.PUBLIC}", GrantDurations: []string{"7d", "1d"}}
	s, err := a.Resolve(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case !slices.Equal(s.APIKeys, []string{goodKey}) || s.PublicURL != "https://support.example.com":
		t.Errorf("keys %q, public url %q", s.APIKeys, s.PublicURL)
	case s.LinkTTL != 24*time.Hour:
		t.Errorf("default link ttl %v", s.LinkTTL)
	case !s.Rules.NoStanding || !slices.Equal(s.Rules.Durations, []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}):
		t.Errorf("rules %+v; want 1d and 7d, no standing", s.Rules)
	case !slices.Equal(s.Rules.Roles, []string{"owner", "admin"}):
		t.Errorf("default admin roles %q", s.Rules.Roles)
	}
	for _, tt := range []struct {
		access Access
		want   string
	}{
		{Access{APIKeys: []string{goodKey, "{env.EMPTY}"}}, "api_key 2 is empty once placeholders are replaced"},
		{Access{APIKeys: []string{"{env.SHORT}"}}, "api_key 1: the key must be"},
		{Access{PublicURL: "{env.BAD}"}, `public_url "app.example.com" must be an absolute`},
		{Access{LinkTTL: time.Second}, "link_ttl 1s is out of range"},
	} {
		_, err := tt.access.Resolve(env(vars))
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%+v: error %v; want %q", tt.access, err, tt.want)
		}
	}
}

// TestNamedLeadsWithTheWord: a JSON config's error names the word, and
// which of a repeated word, where a Caddyfile's names the line.
func TestNamedLeadsWithTheWord(t *testing.T) {
	_, err := Access{APIKeys: []string{"0123456789abcdef", "hunter2"}}.Resolve(func(v string) string { return v })
	if got := Named(err).Error(); !strings.HasPrefix(got, "api_key 2: the key must be") {
		t.Fatalf("Named = %q", got)
	}
	plain := errors.New("plain")
	if Named(plain) != plain {
		t.Fatal("an error about no word changed")
	}
}
