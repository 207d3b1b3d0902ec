package appapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
)

// route is one method on one path, relative to the API's base path. The
// OpenAPI document must describe every route (a test walks the table).
type route struct {
	method string
	path   string
	fn     httpjson.Endpoint
}

// openAPIPath is the public description of the API.
const openAPIPath = "/openapi.json"

// table lists the API.
func (h *Handler) table() []route {
	return []route{
		{http.MethodGet, "/tenants/{tenant}/grants", h.tenant.ListGrants},
		{http.MethodPost, "/tenants/{tenant}/grants", h.tenant.CreateGrant},
		{http.MethodDelete, "/tenants/{tenant}/grants/{id}", h.tenant.RevokeGrant},
		{http.MethodGet, "/tenants/{tenant}/sessions", h.tenant.ListSessions},
		{http.MethodGet, "/tenants/{tenant}/sessions/{id}", h.getSession},
		{http.MethodGet, "/tenants/{tenant}/audit", h.tenant.ListAudit},
		{http.MethodGet, "/tenants/{tenant}/audit/checkpoints", h.listCheckpoints},
		{http.MethodPost, "/tenants/{tenant}/audit/checkpoints", h.signCheckpoint},
		{http.MethodGet, "/tenants/{tenant}/admins", h.tenant.GetAdmins},
		{http.MethodPut, "/tenants/{tenant}/admins", h.tenant.PutAdmins},
		{http.MethodPost, "/tenants/{tenant}/admin-links", h.createLink},
		{http.MethodGet, "/tenants/{tenant}/requests", h.listRequests},
		{http.MethodGet, "/requests/{id}", h.getRequest},
		{http.MethodPost, "/requests/{id}/approve", h.approveRequest},
		{http.MethodPost, "/requests/{id}/deny", h.denyRequest},
		{http.MethodGet, openAPIPath, h.openAPI},
	}
}

// muxRoutes returns the table as full ServeMux routes.
func (h *Handler) muxRoutes() []httpjson.Route {
	var out []httpjson.Route
	for _, rt := range h.table() {
		out = append(out, h.resp.Route(rt.method, h.cfg.base()+rt.path, rt.fn))
	}
	return out
}
