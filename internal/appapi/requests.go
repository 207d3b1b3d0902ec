package appapi

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// requestIDPattern is the shape of a request id taken from the path;
// real ids are "r_" and 26 base32 characters. Anything else is answered
// as not found before the store is asked.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// requestList answers GET .../requests.
type requestList struct {
	// Requests are the tenant's requests, newest first.
	Requests []request.Request `json:"requests"`
}

func (h *Handler) listRequests(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	f, err := requestQuery(r)
	if err != nil {
		return err
	}
	list, err := h.d.Requests.List(r.Context(), t, f)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, requestList{Requests: httpjson.NonNil(list)})
}

func (h *Handler) getRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	rq, err := h.d.Requests.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, rq)
}

// requestQuery reads limit= and state= of a request listing.
func requestQuery(r *http.Request) (request.Filter, error) {
	q, err := httpjson.Query(r, "limit", "state")
	if err != nil {
		return request.Filter{}, err
	}
	var f request.Filter
	if v, ok := q["state"]; ok {
		if !slices.Contains(request.States, v[0]) {
			return request.Filter{}, httpjson.BadQuery("state must be one of %s, not %q", strings.Join(request.States, ", "), httpjson.Clip(v[0]))
		}
		f.State = v[0]
	}
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > store.MaxPageSize {
			return request.Filter{}, httpjson.BadQuery("limit must be a whole number from 1 to %d, not %q", store.MaxPageSize, httpjson.Clip(v[0]))
		}
		f.Limit = n
	}
	return f, nil
}

// pathRequestID returns the route's {id} if it can be a request id. The
// id is caller text: it is checked before any lookup and echoed clipped
// and quoted.
func pathRequestID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !requestIDPattern.MatchString(id) {
		return "", problem.New(problem.NotFound, "request_not_found", "there is no access request %q", problem.Clip(id, 80))
	}
	return id, nil
}
