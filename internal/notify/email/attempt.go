package email

import (
	"context"
	"crypto/tls"
	"net"
)

// attempt is one connection to the server. go-mail honours a context only
// while dialing, so the attempt closes the connection itself when the
// caller's context ends, and always when the send is over (go-mail
// leaves it open after a failed greeting, STARTTLS or login).
type attempt struct {
	ctx context.Context
	// tls, when set, wraps the connection in TLS from the first byte.
	tls *tls.Config

	conn net.Conn
	stop func() bool
}

// dial is go-mail's DialContextFunc. ctx is go-mail's dial context, which
// ends when dialing does; a.ctx is the caller's, which spans the send.
func (a *attempt) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	a.watch(conn)
	if a.tls == nil {
		return conn, nil
	}
	tc := tls.Client(conn, a.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	return tc, nil
}

// watch closes conn when the caller's context ends.
func (a *attempt) watch(conn net.Conn) {
	if a.stop != nil {
		a.stop()
		_ = a.conn.Close()
	}
	a.conn = conn
	a.stop = context.AfterFunc(a.ctx, func() { _ = conn.Close() })
}

// close ends the attempt; closing an already closed connection is harmless.
func (a *attempt) close() {
	if a.conn == nil {
		return
	}
	a.stop()
	_ = a.conn.Close()
}
