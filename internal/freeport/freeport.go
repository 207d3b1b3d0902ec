// Package freeport picks loopback TCP ports for servers a test starts in
// another process, which binds them a moment later. Ports the kernel hands
// out for ":0" come from the ephemeral range, which outgoing connections
// draw from too: on a busy machine one of them can take the port in that
// moment. So the ports come from below that range, at random, and are
// never handed out twice by one process.
package freeport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"sync"
)

// Below the ephemeral range, above the ports of common local services.
const (
	lowest        = 20000
	defaultFirst  = 32768 // Linux's default start of the ephemeral range
	triesPerCall  = 200
	rangeSettings = "/proc/sys/net/ipv4/ip_local_port_range"
)

var (
	mu    sync.Mutex
	given = map[int]bool{}
	top   = ephemeralStart()
)

// Loopback returns a port on 127.0.0.1 that is free now, outside the
// ephemeral range and not returned before by this process.
func Loopback() (int, error) {
	mu.Lock()
	defer mu.Unlock()
	for range triesPerCall {
		port := lowest + rand.IntN(top-lowest)
		if given[port] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		_ = l.Close()
		given[port] = true
		return port, nil
	}
	return 0, errors.New("freeport: no free loopback port found below the ephemeral range")
}

// ephemeralStart returns the first port of the kernel's ephemeral range.
func ephemeralStart() int {
	var first, last int
	b, err := os.ReadFile(rangeSettings)
	if err != nil {
		return defaultFirst
	}
	if _, err := fmt.Sscan(string(b), &first, &last); err != nil || first <= lowest+1000 {
		return defaultFirst
	}
	return first
}
