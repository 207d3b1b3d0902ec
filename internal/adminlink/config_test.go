package adminlink_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
)

func TestCheckTTL(t *testing.T) {
	for _, c := range []struct {
		name    string
		in      time.Duration
		want    time.Duration
		wantErr string
	}{
		{name: "unset is the default", in: 0, want: adminlink.DefaultTTL},
		{name: "shortest", in: time.Minute, want: time.Minute},
		{name: "longest", in: adminlink.MaxTTL, want: adminlink.MaxTTL},
		{name: "too short", in: time.Second, wantErr: "link_ttl 1s is out of range: use 1m0s to 30d"},
		{name: "too long", in: adminlink.MaxTTL + 24*time.Hour, wantErr: "link_ttl 31d is out of range"},
		{name: "negative", in: -time.Hour, wantErr: "out of range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := adminlink.CheckTTL(c.in)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("CheckTTL(%s) = %s, %v; want error %q", c.in, got, err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("CheckTTL(%s) = %s, %v; want %s", c.in, got, err, c.want)
			}
		})
	}
}

func TestParseBaseURL(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		bad            bool
	}{
		{name: "unset", in: "", want: ""},
		{name: "https origin", in: "https://app.example.com", want: "https://app.example.com"},
		{name: "final slash dropped", in: "https://app.example.com/support/", want: "https://app.example.com/support"},
		{name: "http", in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{name: "script", in: "javascript:alert(1)", bad: true},
		{name: "relative", in: "/support", bad: true},
		{name: "user info", in: "https://user:pw@app.example.com", bad: true},
		{name: "query", in: "https://app.example.com/?a=1", bad: true},
		{name: "empty query", in: "https://app.example.com/?", bad: true},
		{name: "fragment", in: "https://app.example.com/#x", bad: true},
		{name: "ftp", in: "ftp://app.example.com", bad: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := adminlink.ParseBaseURL(c.in)
			if c.bad {
				if err == nil || !strings.Contains(err.Error(), "public_url") {
					t.Fatalf("ParseBaseURL(%q) = %q, %v; want a public_url error", c.in, got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseBaseURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
		})
	}
}
