package appapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// approveBody is the body of POST /requests/{id}/approve. A narrowing
// field left out (or null) keeps what the agent asked for.
type approveBody struct {
	Admin    *adminRef `json:"admin"`
	Scopes   []string  `json:"scopes"`
	Duration string    `json:"duration"`
	Areas    []string  `json:"areas"`
}

// denyBody is the body of POST /requests/{id}/deny.
type denyBody struct {
	Admin   *adminRef `json:"admin"`
	Message string    `json:"message"`
}

func (h *Handler) approveRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	var body approveBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	// An empty list would read as read-only, which the admin may not
	// have meant; read-only is said as ["read"].
	if body.Scopes != nil && len(body.Scopes) == 0 {
		return problem.New(problem.Invalid, "invalid_scope",
			`"scopes" may not be empty: read is always granted, so send ["read"] for read-only access, or leave "scopes" out to keep what was asked`)
	}
	tenantID, by, err := h.decider(r, id, body.Admin)
	if err != nil {
		return err
	}
	d := request.Decision{By: by, Scopes: body.Scopes, Duration: body.Duration, Areas: body.Areas}
	rq, err := h.d.Requests.Approve(r.Context(), tenantID, id, d)
	if err != nil {
		return err
	}
	event := request.EventApproval
	if rq.State == request.Approved {
		event = request.EventApproved
	}
	h.notify(r, tenantID, event, rq)
	return h.resp.Reply(w, r, http.StatusOK, rq)
}

func (h *Handler) denyRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	var body denyBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	tenantID, by, err := h.decider(r, id, body.Admin)
	if err != nil {
		return err
	}
	rq, err := h.d.Requests.Deny(r.Context(), tenantID, id, request.Decision{By: by, Message: body.Message})
	if err != nil {
		return err
	}
	h.notify(r, tenantID, request.EventDenied, rq)
	return h.resp.Reply(w, r, http.StatusOK, rq)
}

// decider returns the tenant of request id and the admin ref acts as,
// who must be registered for that tenant: the path names no tenant, so
// the request's own tenant decides whose admins may answer it.
func (h *Handler) decider(r *http.Request, id string, ref *adminRef) (string, store.Actor, error) {
	rq, err := h.d.Requests.Get(r.Context(), id)
	if err != nil {
		return "", store.Actor{}, err
	}
	by, err := h.actingAdmin(r, rq.Tenant, ref)
	if err != nil {
		return "", store.Actor{}, err
	}
	return rq.Tenant, by, nil
}
