package redisstore_test

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store/storetest"
)

func TestRetentionConformance(t *testing.T) {
	storetest.RunRetention(t, opener(redistest.Start(t)))
}
