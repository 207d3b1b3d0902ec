package cli

import (
	"bytes"
	"testing"
	"time"
)

// testNow is the clock of every command test.
var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// answer is a canned admin API answer.
type answer struct {
	status int
	body   string
}

// sent is one request a command made.
type sent struct {
	method, uri, body string
}

// fakeAPI answers requests from a table of "METHOD uri" keys and records
// what was sent; anything else gets the API's not_found answer.
type fakeAPI struct {
	answers map[string]answer
	sent    []sent
}

func (f *fakeAPI) send(method, uri string, body []byte) (int, []byte, error) {
	f.sent = append(f.sent, sent{method: method, uri: uri, body: string(body)})
	a, ok := f.answers[method+" "+uri]
	if !ok {
		return 404, []byte(`{"error":{"code":"not_found","message":"no such route"}}`), nil
	}
	return a.status, []byte(a.body), nil
}

// newFake returns a client of a fake API with the given answers, and the
// buffer that collects its output.
func newFake(answers map[string]answer) (*Client, *fakeAPI, *bytes.Buffer) {
	f := &fakeAPI{answers: answers}
	out := &bytes.Buffer{}
	return &Client{Send: f.send, Out: out, Now: func() time.Time { return testNow }}, f, out
}

// wantSent fails unless exactly one request was made and it matches.
func wantSent(t *testing.T, f *fakeAPI, method, uri, body string) {
	t.Helper()
	if len(f.sent) != 1 {
		t.Fatalf("sent %d requests (%+v), want 1", len(f.sent), f.sent)
	}
	s := f.sent[0]
	if s.method != method || s.uri != uri || s.body != body {
		t.Fatalf("sent %s %s %s\nwant %s %s %s", s.method, s.uri, s.body, method, uri, body)
	}
}

// wantLines fails unless out contains each of lines, each as a whole line
// once trailing spaces are trimmed.
func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	have := map[string]bool{}
	for _, l := range bytes.Split([]byte(out), []byte("\n")) {
		have[string(bytes.TrimRight(l, " "))] = true
	}
	for _, l := range lines {
		if !have[l] {
			t.Errorf("output lacks line %q:\n%s", l, out)
		}
	}
}
