package retention_test

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/retention"
)

func TestHolderIsUniquePerCall(t *testing.T) {
	if a, b := retention.Holder(), retention.Holder(); a == "" || a == b {
		t.Errorf("holders %q and %q; want two different names", a, b)
	}
}
