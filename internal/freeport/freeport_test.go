package freeport

import (
	"fmt"
	"net"
	"testing"
)

func TestLoopbackPortsAreFreeDistinctAndBelowTheEphemeralRange(t *testing.T) {
	seen := map[int]bool{}
	for range 50 {
		port, err := Loopback()
		if err != nil {
			t.Fatal(err)
		}
		if port < lowest || port >= top || seen[port] {
			t.Fatalf("port %d: want a new one in [%d, %d)", port, lowest, top)
		}
		seen[port] = true
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatalf("port %d is not free: %v", port, err)
		}
		_ = l.Close()
	}
}
