package opsapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
)

// routes lists the API.
func (h *Handler) routes() []httpjson.Route {
	rt := h.resp.Route
	return []httpjson.Route{
		rt(http.MethodGet, "/lockbox/grants", h.listActive),
		rt(http.MethodGet, "/lockbox/tenants/{tenant}/grants", h.tenant.ListGrants),
		rt(http.MethodPost, "/lockbox/tenants/{tenant}/grants", h.tenant.CreateGrant),
		rt(http.MethodDelete, "/lockbox/tenants/{tenant}/grants/{id}", h.tenant.RevokeGrant),
		rt(http.MethodGet, "/lockbox/tenants/{tenant}/audit", h.tenant.ListAudit),
		rt(http.MethodGet, "/lockbox/tenants/{tenant}/audit/verify", h.verifyAudit),
		rt(http.MethodGet, "/lockbox/logins/audit", h.listLogins),
		rt(http.MethodGet, "/lockbox/logins/audit/verify", h.verifyLogins),
		rt(http.MethodGet, "/lockbox/tenants/{tenant}/audit/head", h.auditHead),
		rt(http.MethodGet, "/lockbox/keys/jwks", h.jwks),
		rt(http.MethodGet, "/lockbox/tenants", h.listTenants),
		rt(http.MethodGet, "/lockbox/audit/retention", h.retentionStatus),
		rt(http.MethodGet, "/lockbox/tenants/{tenant}/sessions", h.tenant.ListSessions),
		rt(http.MethodPost, "/lockbox/keys/rotate", h.rotateKeys),
		rt(http.MethodPost, "/lockbox/keys/links/rotate", h.rotateLinkKey),
		rt(http.MethodGet, "/lockbox/tenants/{tenant}/admins", h.tenant.GetAdmins),
		rt(http.MethodPut, "/lockbox/tenants/{tenant}/admins", h.tenant.PutAdmins),
		rt(http.MethodPost, "/lockbox/tenants/{tenant}/admin-links", h.createLink),
		rt(http.MethodGet, "/lockbox/tenants/{tenant}/requests", h.listRequests),
		rt(http.MethodPost, "/lockbox/webhooks/test", h.testWebhooks),
	}
}
