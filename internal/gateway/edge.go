package gateway

import (
	"io"
	"net/http"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/policy"
)

// edge applies what holds for every request, agent or not, before
// anything else reads it: no protocol upgrade but WebSocket (an h2c
// upgrade would tunnel later requests past Lockbox), no HTTP2-Settings,
// no client-sent identity header or trailer in any spelling. It reports
// whether the request may go on; when not, it has answered 400.
func (g *Gateway) edge(w http.ResponseWriter, r *http.Request) bool {
	if !policy.UpgradeAllowed(r.Header) {
		g.badRequest(w, r, "upgrade", "This request asked to switch to a protocol Lockbox does not let through; only WebSocket is allowed.")
		return false
	}
	delete(r.Header, policy.ProtocolSettingsHeader)
	// net/http moves a chunked request's declared trailer names from the
	// Trailer header into r.Trailer; other requests keep the header.
	if g.scrub.Names(r.Trailer) || g.scrub.Lists(r.Header["Trailer"]) {
		g.badRequest(w, r, "trailer", "This request announced a trailer named like the identity headers Lockbox sets, which it never lets through.")
		return false
	}
	g.scrub.Scrub(r.Header)
	if r.Body != nil && r.Body != http.NoBody && (r.Trailer != nil || r.ContentLength < 0) {
		r.Body = &trailerGuard{ReadCloser: r.Body, r: r, scrub: g.scrub}
	}
	return true
}

// badRequest answers 400 with a plain page; the refusal is logged at
// debug level, as it needs no one's attention.
func (g *Gateway) badRequest(w http.ResponseWriter, r *http.Request, what, msg string) {
	if ce := g.d.Logger.Check(zap.DebugLevel, "request refused at the edge"); ce != nil {
		ce.Write(zap.String("refused", what), zap.String("method", r.Method), zap.String("uri", r.RequestURI))
	}
	pages.RenderError(w, pages.Error{Status: http.StatusBadRequest, Title: "Request refused", Message: msg})
}

// trailerGuard deletes identity-prefixed trailers when the body reaches
// its end: that is when net/http fills r.Trailer with what the client
// sent, declared or not, and before the reverse proxy copies them on.
type trailerGuard struct {
	io.ReadCloser
	r     *http.Request
	scrub *policy.Scrubber
}

func (b *trailerGuard) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.scrub.Scrub(b.r.Trailer)
	}
	return n, err
}
