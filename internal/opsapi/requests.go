package opsapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// requestList answers GET /lockbox/tenants/{tenant}/requests.
type requestList struct {
	Requests []request.Request `json:"requests"`
}

// WithRequests lets the API list the tenants' access requests in s.
func WithRequests(s *request.Service) Option {
	return func(h *Handler) { h.requests = s }
}

func (h *Handler) listRequests(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	state, limit, err := requestQuery(r)
	if err != nil {
		return err
	}
	if h.requests == nil {
		return errNoRequests
	}
	rs, err := h.requests.List(r.Context(), t, request.Filter{State: state, Limit: limit})
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, requestList{Requests: httpjson.NonNil(rs)})
}

// requestQuery reads state= and limit= of the listing; the limit is
// store.DefaultPageSize when absent.
func requestQuery(r *http.Request) (string, int, error) {
	q, err := httpjson.Query(r, "state", "limit")
	if err != nil {
		return "", 0, err
	}
	state, err := stateParam(q)
	if err != nil {
		return "", 0, err
	}
	limit, err := listLimit(q)
	return state, limit, err
}

func stateParam(q url.Values) (string, error) {
	s, ok := q["state"]
	if !ok {
		return "", nil
	}
	for _, st := range request.States {
		if s[0] == st {
			return st, nil
		}
	}
	return "", httpjson.BadQuery("state must be one of %s, not %q", strings.Join(request.States, ", "), httpjson.Clip(s[0]))
}

// listLimit reads limit=, 1 to store.MaxPageSize.
func listLimit(q url.Values) (int, error) {
	s, ok := q["limit"]
	if !ok {
		return store.DefaultPageSize, nil
	}
	n, err := strconv.Atoi(s[0])
	if err != nil || n < 1 || n > store.MaxPageSize {
		return 0, httpjson.BadQuery("limit must be a whole number from 1 to %d, not %q", store.MaxPageSize, httpjson.Clip(s[0]))
	}
	return n, nil
}

// errNoRequests answers when the API was made without WithRequests.
var errNoRequests = problem.New(problem.Unavailable, "requests_unavailable", "access requests are not available here")
