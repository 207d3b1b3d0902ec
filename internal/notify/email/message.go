package email

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
)

// Message is one email to one person.
type Message struct {
	// To is the recipient, "Name <addr>" or a bare address; build it with
	// Address when the name comes from user input.
	To string
	// Subject is one line; line breaks and control characters are
	// removed before it is sent.
	Subject string
	// Text is the plain-text body; required.
	Text string
	// HTML is the HTML alternative; optional.
	HTML string
}

// Address formats name and addr as an RFC 5322 address, encoding the name
// as needed. Line breaks and control characters in name are dropped, so a
// hostile name cannot add header lines.
func Address(name, addr string) string {
	a := mail.Address{Name: oneLine(name), Address: strings.TrimSpace(addr)}
	return a.String()
}

// oneLine returns s fit for a header: control characters (CR and LF
// included) and invisible direction overrides become spaces, runs of
// spaces collapse, and the ends are trimmed.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unsafeRune(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// cleanText returns s fit for a body: control characters other than line
// breaks and tabs, and invisible direction overrides, are removed; CRLF
// and CR become LF.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unsafeRune(r) {
			return -1
		}
		return r
	}, s)
}

// unsafeRune reports control characters and the bidirectional overrides
// and isolates that can make text read differently than it is.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// recipient parses m.To into one address.
func (m Message) recipient() (*mail.Address, error) {
	if m.To == "" {
		return nil, fmt.Errorf("message has no recipient")
	}
	if hasControl(m.To) {
		return nil, fmt.Errorf("recipient %q contains control characters", clip(m.To))
	}
	a, err := mail.ParseAddress(m.To)
	if err != nil || !strings.Contains(a.Address, "@") {
		return nil, fmt.Errorf("recipient %q is not an email address", clip(m.To))
	}
	return a, nil
}

// check reports what makes m unsendable.
func (m Message) check() (*mail.Address, error) {
	to, err := m.recipient()
	if err != nil {
		return nil, err
	}
	switch {
	case oneLine(m.Subject) == "":
		return nil, fmt.Errorf("message to %s has no subject", to.Address)
	case strings.TrimSpace(m.Text) == "":
		return nil, fmt.Errorf("message to %s has no text body", to.Address)
	}
	return to, nil
}
