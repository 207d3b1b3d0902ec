package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/storetest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// The tests here take Redis down on purpose.
func init() { testkit.QuietRedisLogs() }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// opener gives each suite case two clients on one freshly flushed server.
func opener(srv *redistest.Server) storetest.Opener {
	return func(t *testing.T) (store.Store, store.Store) {
		srv.FlushAll(t)
		return testkit.Redis(t, srv.URL()), testkit.Redis(t, srv.URL())
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, opener(redistest.Start(t)))
}

func TestTamper(t *testing.T) {
	srv := redistest.Start(t)
	storetest.RunTamper(t, opener(srv), func(t *testing.T, tenant string, seq int64, edit func([]byte) []byte) {
		c := srv.Client(t)
		key, field := "lockbox:{"+tenant+"}:audit", strconv.FormatInt(seq, 10)
		raw, err := c.HGet(ctx(t), key, field).Bytes()
		if err != nil {
			t.Fatalf("read event %d: %v", seq, err)
		}
		if err := c.HSet(ctx(t), key, field, edit(raw)).Err(); err != nil {
			t.Fatalf("write event %d: %v", seq, err)
		}
	})
}
