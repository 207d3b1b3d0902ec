// Package testkit holds the helpers tests across the repository share: a
// clock the test moves by hand, openers for real bolt and Redis stores
// that close when the test ends, a bounded poll for conditions reached in
// the background, the HTTP side of API tests (a loopback server, a
// cookie-keeping client, strict JSON and error-shape checks), and a
// support agent's browser on a gateway with readers of what the console
// shows and the app receives. It is imported only by _test.go files;
// package apitest builds on it.
package testkit
