package email_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
)

// parsed is a received message taken apart the way a mail client would.
type parsed struct {
	header  mail.Header
	rawHead string
	from    *mail.Address
	to      *mail.Address
	subject string
	text    string
	html    string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading message: %v", err)
	}
	p := parsed{header: msg.Header}
	p.rawHead, _, _ = strings.Cut(string(data), "\r\n\r\n")
	if p.from, err = mail.ParseAddress(msg.Header.Get("From")); err != nil {
		t.Fatalf("From %q: %v", msg.Header.Get("From"), err)
	}
	if p.to, err = mail.ParseAddress(msg.Header.Get("To")); err != nil {
		t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
	}
	if p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("Subject: %v", err)
	}
	p.text, p.html = parts(t, msg)
	return p
}

// parts reads the text and HTML bodies of a multipart/alternative
// message, or the text of a single-part one.
func parts(t *testing.T, msg *mail.Message) (text, html string) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type: %v", err)
	}
	if mediaType == "text/plain" {
		return readPart(t, singlePart(msg)), ""
	}
	if mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type is %s, want multipart/alternative", mediaType)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		switch ct := part.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/plain"):
			text = readPart(t, part)
		case strings.HasPrefix(ct, "text/html"):
			html = readPart(t, part)
		default:
			t.Fatalf("unexpected part %s", ct)
		}
	}
}

// singlePart decodes a single-part body.
func singlePart(msg *mail.Message) io.Reader {
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		return quotedprintable.NewReader(msg.Body)
	}
	return msg.Body
}

func readPart(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("reading part: %v", err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}
