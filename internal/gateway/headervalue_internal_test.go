package gateway

import (
	"net/url"
	"strings"
	"testing"
)

// decodeHeaderValue is what an app does with an identity header value,
// as the README says: strip extValuePrefix and percent-decode.
func decodeHeaderValue(v string) (string, error) {
	rest, ok := strings.CutPrefix(v, extValuePrefix)
	if !ok {
		return v, nil
	}
	return url.PathUnescape(rest)
}

func TestHeaderValueIsASCIIAndReversible(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "bob@support.example", want: "bob@support.example"},
		{in: "a-1|sub_2.x~y", want: "a-1|sub_2.x~y"},
		{in: "zoë@exämple.com", want: "UTF-8''zo%C3%AB%40ex%C3%A4mple.com"},
		{in: "раураl@support.example", want: "UTF-8''%D1%80%D0%B0%D1%83%D1%80%D0%B0l%40support.example"},
		{in: "alice@a.example,mallory@b.example", want: "UTF-8''alice%40a.example%2Cmallory%40b.example"},
		{in: `"a,b"@x.example`, want: "UTF-8''%22a%2Cb%22%40x.example"},
		{in: "UTF-8''zo%C3%AB", want: "UTF-8''UTF-8%27%27zo%25C3%25AB"},
		{in: "50%off", want: "UTF-8''50%25off"},
		{in: "two words", want: "UTF-8''two%20words"},
		{in: "a;b", want: "UTF-8''a%3Bb"},
		{in: "", want: ""},
	}
	for _, tt := range tests {
		got := headerValue(tt.in)
		if got != tt.want {
			t.Errorf("headerValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkHeaderValue(t, tt.in, got)
	}
}

// checkHeaderValue fails unless v, the header value of in, is printable
// ASCII without a comma and decodes back to in.
func checkHeaderValue(t *testing.T, in, v string) {
	t.Helper()
	for i := 0; i < len(v); i++ {
		if v[i] < 0x21 || v[i] > 0x7E || v[i] == ',' {
			t.Fatalf("headerValue(%q) = %q has byte %#x", in, v, v[i])
		}
	}
	back, err := decodeHeaderValue(v)
	if err != nil || back != in {
		t.Fatalf("headerValue(%q) = %q decodes to %q, %v", in, v, back, err)
	}
}

func FuzzHeaderValue(f *testing.F) {
	for _, s := range []string{"zoë@exämple.com", "a,b", "UTF-8''x", "%41", "\xff\xfe", "tab\there", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkHeaderValue(t, in, headerValue(in))
	})
}
