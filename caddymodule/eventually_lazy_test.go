package caddymodule_test

// lazy is a failure-message argument for eventually that is formatted
// when the message is, so it shows the last state polled rather than
// the state when polling began.
type lazy func() string

func (f lazy) String() string { return f() }
