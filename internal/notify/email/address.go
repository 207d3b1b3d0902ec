package email

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// SplitAddress reads a server address as configured: host:port, or a
// bare host whose port then follows the TLS mode. Config.Validate checks
// the host.
func SplitAddress(addr string) (host string, port int, err error) {
	if addr == "" {
		return "", 0, errors.New("smtp needs the server's host:port (is its environment variable set?)")
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0, nil // a bare host
	}
	port, err = strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("smtp address %q: the port must be a number from 1 to 65535", clipAddr(addr))
	}
	return host, port, nil
}

// clipAddr shortens an address echoed in an error.
func clipAddr(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
