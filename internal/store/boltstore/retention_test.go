package boltstore

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store/storetest"
)

func TestRetentionConformance(t *testing.T) {
	storetest.RunRetention(t, openFresh)
}
