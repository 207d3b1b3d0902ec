package policy

import (
	"net/http"
	"net/textproto"
	"strings"
)

// UpgradeAllowed reports whether h asks to switch protocols only to
// WebSocket, or not at all. Every Upgrade token must be "websocket" (any
// case); so must an HTTP/2 or HTTP/3 extended CONNECT's :protocol. Any
// other protocol (h2c above all) would turn the connection into a tunnel
// whose later requests reach the app without passing Lockbox. Empty tokens
// are ignored. It does not allocate.
func UpgradeAllowed(h http.Header) bool {
	for _, v := range h["Upgrade"] {
		for rest := v; rest != ""; {
			var tok string
			tok, rest, _ = strings.Cut(rest, ",")
			if tok = textproto.TrimString(tok); tok != "" && !strings.EqualFold(tok, "websocket") {
				return false
			}
		}
	}
	for _, v := range h[":protocol"] {
		if !strings.EqualFold(v, "websocket") {
			return false
		}
	}
	return true
}

// IsWebSocket reports whether r asks for a WebSocket: an Upgrade header
// naming it, or an extended CONNECT with :protocol websocket. Call it on
// a request UpgradeAllowed accepted.
func IsWebSocket(r *http.Request) bool {
	for _, v := range r.Header["Upgrade"] {
		if strings.Trim(v, ", \t") != "" {
			return true
		}
	}
	return r.Method == http.MethodConnect && len(r.Header[":protocol"]) > 0
}

// ProtocolSettingsHeader is the canonical name of HTTP2-Settings, which
// only an h2c upgrade uses; the gateway deletes it from every request.
const ProtocolSettingsHeader = "Http2-Settings"
