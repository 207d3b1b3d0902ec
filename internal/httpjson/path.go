package httpjson

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// PathTenant returns the validated tenant id of the route's {tenant}
// wildcard.
func PathTenant(r *http.Request) (string, error) {
	t := r.PathValue("tenant")
	if err := tenant.Validate(t); err != nil {
		return "", err
	}
	return t, nil
}
