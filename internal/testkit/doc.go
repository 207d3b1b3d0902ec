// Package testkit holds the helpers tests across the repository share: a
// clock the test moves by hand, openers for real bolt and Redis stores
// that close when the test ends, a bounded poll for conditions reached in
// the background, and the HTTP side of API tests (a loopback server, a
// cookie-keeping client, strict JSON and error-shape checks). It is
// imported only by _test.go files; package apitest builds on it.
package testkit
