package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
)

// Context returns a context that ends after Deadline or when t ends, for
// calls a broken test should not wait on for ever.
func Context(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), Deadline)
	t.Cleanup(cancel)
	return c
}

// Serve serves h on a loopback httptest server closed when t ends.
func Serve(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// Browser returns an HTTP client that keeps cookies, as a browser does,
// but does not follow redirects, so tests see each one. Its transport is
// its own, so a test may change how it dials, and its idle connections
// close when t ends.
func Browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Jar: jar, Transport: transport, Timeout: Deadline,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Response is an answer with its body read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Send sends one request with c and reads the answer; header is added to
// the request's own (a Content-Type, say). A request that cannot be sent
// fails the test.
func Send(t testing.TB, c *http.Client, method, url string, body io.Reader, header http.Header) Response {
	t.Helper()
	req, err := http.NewRequestWithContext(Context(t), method, url, body)
	if err != nil {
		t.Fatalf("request %s %s: %v", method, url, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// DecodeStrict decodes the JSON b into v, failing the test on a field v
// does not have.
func DecodeStrict(t testing.TB, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}

// apiError is the only shape a JSON API's error answer may have.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// APIError checks that r has status and is an error of code in the JSON
// APIs' one shape, {"error": {"code", "message"}} and nothing more, and
// returns the message.
func APIError(t testing.TB, r Response, status int, code string) string {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	var shape map[string]map[string]any
	if err := json.Unmarshal(r.Body, &shape); err != nil || len(shape) != 1 || len(shape["error"]) != 2 {
		t.Fatalf("body is not the error shape: %s", r.Body)
	}
	var ae apiError
	DecodeStrict(t, r.Body, &ae)
	if ae.Error.Code != code || ae.Error.Message == "" {
		t.Fatalf("error %+v, want code %s", ae.Error, code)
	}
	return ae.Error.Message
}
