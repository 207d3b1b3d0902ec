package email

import (
	"crypto/rand"
	netmail "net/mail"
	"strings"

	mail "github.com/wneessen/go-mail"
)

// compose builds the MIME message: text, and HTML as its alternative when
// given. Every header value is either parsed (addresses) or made one line
// (subject), so nothing from m can add a header.
func (s *Sender) compose(m Message, to *netmail.Address) *mail.Msg {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(oneLine(m.Subject))
	msg.SetDate()
	msg.SetMessageIDWithValue(messageID(s.from.Address))
	// RFC 3834: keeps vacation auto-replies from answering a notification.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, cleanText(m.Text))
	if strings.TrimSpace(m.HTML) != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, cleanText(m.HTML))
	}
	return msg
}

// messageID is a random id in the sender's domain, which is better for
// delivery than the host name a container happens to have.
func messageID(from string) string {
	return strings.ToLower(rand.Text()) + "@" + from[strings.LastIndex(from, "@")+1:]
}
