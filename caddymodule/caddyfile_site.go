package caddymodule

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
)

// siteIssuer derives the token issuer from the site block's addresses:
// <scheme>://<host>[:<port>]<prefix> of the first address naming one
// host, as Caddy serves it (https unless the address says http or uses
// the HTTP port). It is fixed when the Caddyfile is adapted, so it never
// depends on a request's Host header.
func siteIssuer(h httpcaddyfile.Helper, prefix string) (string, error) {
	keys := siteKeys(h)
	for _, key := range keys {
		addr, err := httpcaddyfile.ParseAddress(key)
		if err != nil || !concreteHost(addr.Host) {
			continue
		}
		return issuerOf(addr, prefix, optionPort(h, "http_port", 80), optionPort(h, "https_port", 443)), nil
	}
	if len(keys) == 0 {
		return "", errors.New("cannot tell the site's address to derive the token issuer from; set issuer <url>, such as https://app.example.com/_lockbox")
	}
	return "", fmt.Errorf("cannot derive the token issuer from the site address %q, which names no single host; set issuer <url>, such as https://app.example.com/_lockbox", clip(keys[0]))
}

// issuerOf builds the issuer URL of a site address. Ports are those of
// the global options http_port and https_port; a scheme's standard port
// is left out.
func issuerOf(addr httpcaddyfile.Address, prefix string, httpPort, httpsPort int) string {
	scheme, port := addr.Scheme, addr.Port
	if scheme == "" {
		scheme = "https"
		if port == strconv.Itoa(httpPort) {
			scheme = "http"
		}
	}
	standard, configured := "443", httpsPort
	if scheme == "http" {
		standard, configured = "80", httpPort
	}
	if port == "" {
		port = strconv.Itoa(configured)
	}
	host := addr.Host
	if port != standard {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return (&url.URL{Scheme: scheme, Host: host, Path: prefix}).String()
}

// concreteHost reports whether host names one host: not empty, no
// wildcard, no placeholder.
func concreteHost(host string) bool {
	return host != "" && !strings.ContainsAny(host, "*{}")
}

// optionPort returns a port global option, or def.
func optionPort(h httpcaddyfile.Helper, name string, def int) int {
	if p, ok := h.Option(name).(int); ok && p > 0 {
		return p
	}
	return def
}

// siteKeys returns the addresses of the site block being parsed. Caddy's
// Helper holds the block but has no accessor for its keys (v2.11), so
// they are read through reflection; if that ever finds nothing, the
// caller asks the user to set issuer, and the adapt tests fail loudly.
func siteKeys(h httpcaddyfile.Helper) []string {
	block := reflect.ValueOf(h).FieldByName("parentBlock")
	if block.Kind() != reflect.Struct {
		return nil
	}
	keys := block.FieldByName("Keys")
	if keys.Kind() != reflect.Slice {
		return nil
	}
	out := make([]string, 0, keys.Len())
	for i := range keys.Len() {
		tok := keys.Index(i)
		if tok.Kind() != reflect.Struct {
			continue
		}
		if text := tok.FieldByName("Text"); text.Kind() == reflect.String {
			out = append(out, text.String())
		}
	}
	return out
}
