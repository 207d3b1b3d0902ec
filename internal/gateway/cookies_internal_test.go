package gateway

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// cookieLines are Cookie headers and what the app must receive of them.
var cookieLines = []struct {
	name string
	in   []string
	want []string // nil: no Cookie header
}{
	{"none", nil, nil},
	{"app only", []string{"a=1; b=2"}, []string{"a=1; b=2"}},
	{"app only, odd spacing kept", []string{`a=1;b=%7B%7D;  c=x==;`}, []string{`a=1;b=%7B%7D;  c=x==;`}},
	{"similar names are the app's", []string{"lockboxed=1; my-lockbox=2; Lockbox=3; lockbox_x=4; __Secure-x=5"},
		[]string{"lockboxed=1; my-lockbox=2; Lockbox=3; lockbox_x=4; __Secure-x=5"}},
	{"agent session", []string{"lockbox=abc; app_session=s1"}, []string{"app_session=s1"}},
	{"every Lockbox name", []string{`lockbox=a; __Host-lockbox=b; lockbox-login=c; __Host-lockbox-login=d; lockbox-admin=e; __Host-lockbox-admin=f; lockbox-later=g; app=1; theme="dark mode"`},
		[]string{`app=1; theme="dark mode"`}},
	{"only Lockbox's", []string{"lockbox-admin=e; __Host-lockbox-login=d"}, nil},
	{"empty value and no value", []string{"lockbox-admin=; lockbox; a=1"}, []string{"a=1"}},
	{"spaces around the name", []string{"a=1;  lockbox-admin =x ;b=2"}, []string{"a=1; b=2"}},
	{"several lines", []string{"a=1", "lockbox-admin=x", "b=2; lockbox-login=y", "c=3"}, []string{"a=1", "b=2", "c=3"}},
}

func TestStripCookies(t *testing.T) {
	for _, tt := range cookieLines {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{Header: http.Header{}}
			if tt.in != nil {
				r.Header["Cookie"] = slices.Clone(tt.in)
			}
			stripCookies(r)
			if got := r.Header["Cookie"]; !slices.Equal(got, tt.want) || (tt.want == nil && got != nil) {
				t.Fatalf("Cookie %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStripCookiesAllocatesNothingWithoutLockboxCookies(t *testing.T) {
	long := "_ga=GA1.2.1234567890.1700000000; session=" + strings.Repeat("3f9a1c0d", 40) + "; theme=dark"
	r := &http.Request{Header: http.Header{"Cookie": {long, "csrftoken=abc"}}}
	if n := testing.AllocsPerRun(100, func() { stripCookies(r) }); n != 0 {
		t.Fatalf("stripCookies allocated %v times", n)
	}
	if r.Header["Cookie"][0] != long {
		t.Fatal("the line changed")
	}
}
