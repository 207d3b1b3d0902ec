package devidp

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is a Provider listening on a loopback address.
type Server struct {
	provider *Provider
	listener net.Listener
	http     *http.Server
	done     chan struct{}
}

// Start listens on addr, which must be a loopback address such as
// "127.0.0.1:0" (port 0 picks a free port), and serves a provider for cfg.
// When cfg.Issuer is empty it becomes "http://" plus the address actually
// listened on.
func Start(addr string, cfg Config) (*Server, error) {
	if err := requireLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("devidp: listening: %v", err)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "http://" + ln.Addr().String()
	}
	p, err := New(cfg)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	s := &Server{
		provider: p,
		listener: ln,
		http:     &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan struct{}),
	}
	go s.serve()
	return s, nil
}

// serve runs until Close; Serve's error after Close is expected.
func (s *Server) serve() {
	defer close(s.done)
	_ = s.http.Serve(s.listener)
}

// Issuer returns the issuer URL.
func (s *Server) Issuer() string { return s.provider.Issuer() }

// Addr returns the address listened on, such as "127.0.0.1:41234".
func (s *Server) Addr() string { return s.listener.Addr().String() }

// Provider returns the served provider.
func (s *Server) Provider() *Provider { return s.provider }

// Close stops the server, dropping open connections, and waits until it
// has stopped. Calling it again is harmless.
func (s *Server) Close() error {
	err := s.http.Close()
	<-s.done
	return err
}

// requireLoopback refuses addresses other than localhost or a loopback
// IP: the provider accepts every password it knows and speaks plain HTTP.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("devidp: address %q: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("devidp: address %q is not a loopback address", addr)
}
