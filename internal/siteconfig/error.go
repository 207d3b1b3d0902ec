package siteconfig

// WordError is a config error about one word, and for a word that may be
// repeated, which one, so a Caddyfile adapter can name the line it is on.
type WordError struct {
	// Word is the config word: session_max, role, deny, area, ...
	Word string
	// Key tells repeated words apart: a role's or an area's name, a deny
	// rule's index; "" for words given once.
	Key string
	// Err is what is wrong.
	Err error
}

// Error returns the message of Err.
func (e *WordError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *WordError) Unwrap() error { return e.Err }

// wordErr is err about word, or nil.
func wordErr(word, key string, err error) error {
	if err == nil {
		return nil
	}
	return &WordError{Word: word, Key: key, Err: err}
}
