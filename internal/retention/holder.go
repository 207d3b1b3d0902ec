package retention

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
)

// Holder names this process in the store's retention leases: host, pid
// and a random part, so two processes never share a name.
func Holder() string {
	host, _ := os.Hostname()
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
