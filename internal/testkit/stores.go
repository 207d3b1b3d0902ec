package testkit

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store/boltstore"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
	"github.com/redis/go-redis/v9"
)

// Bolt opens a bolt store on a fresh file in the test's directory,
// closed when t ends.
func Bolt(t testing.TB) *boltstore.Store {
	t.Helper()
	return BoltAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
}

// BoltAt opens a bolt store on the file at path, closed when t ends; tests
// that reopen a file or share it between two stores name it themselves.
func BoltAt(t testing.TB, path string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatalf("boltstore.Open(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Redis opens a store on the Redis at url, closed when t ends.
func Redis(t testing.TB, url string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.Open(url)
	if err != nil {
		t.Fatalf("redisstore.Open(%s): %v", url, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// NewRedis starts a redis-server of the test's own and opens a store on
// it; the server is returned for tests that stop, restart or inspect it.
func NewRedis(t testing.TB) (*redistest.Server, *redisstore.Store) {
	t.Helper()
	srv := redistest.Start(t)
	return srv, Redis(t, srv.URL())
}

// quietRedis drops go-redis's own log lines.
type quietRedis struct{}

// Printf drops the line.
func (quietRedis) Printf(context.Context, string, ...any) {}

// QuietRedisLogs silences go-redis's reconnect chatter for the whole test
// binary: tests that take Redis down on purpose would otherwise bury
// their output under dial errors. Call it from an init function.
func QuietRedisLogs() { redis.SetLogger(quietRedis{}) }
