// Package testkit holds the helpers tests across internal/ share: a clock
// the test moves by hand, openers for real bolt and Redis stores that close
// when the test ends, and a bounded poll for conditions reached in the
// background. It is imported only by _test.go files.
package testkit
