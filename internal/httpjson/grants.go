package httpjson

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/grant"
)

// ReadGrantPage answers a listing of the tenant in the path: the page of
// its grant history the query asks for, and its active grant. The app
// API and the ops API list grants alike.
func ReadGrantPage(r *http.Request, grants *grant.Service) (GrantPage, error) {
	t, err := PathTenant(r)
	if err != nil {
		return GrantPage{}, err
	}
	page, err := PageQuery(r)
	if err != nil {
		return GrantPage{}, err
	}
	// History records a passed expiry first, so the active grant read
	// after it agrees with the history.
	gs, next, err := grants.History(r.Context(), t, page)
	if err != nil {
		return GrantPage{}, err
	}
	active, err := grants.CurrentOrNil(r.Context(), t)
	if err != nil {
		return GrantPage{}, err
	}
	return GrantPage{Active: active, Grants: NonNil(gs), NextCursor: next}, nil
}
