package caddymodule

import (
	"errors"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/gateway"
)

// TenantFrom says where the app names a request's tenant; see the
// Caddyfile words tenant_from and shared.
type TenantFrom struct {
	// Host is {tenant} followed by the tenant hosts' common suffix, such
	// as {tenant}.app.example.com (with :port when not standard). The
	// site's issuer host is the one login host and must not match it.
	Host string `json:"host,omitempty"`
	// Path is a path prefix ending in the tenant's segment, such as
	// /t/{tenant}/.
	Path string `json:"path,omitempty"`
	// Shared are path patterns of pages every tenant shares (static
	// assets): agent requests naming no tenant are sent only there.
	Shared []string `json:"shared,omitempty"`
}

// tenantFrom parses "tenant_from host <pattern>" or "tenant_from path
// <pattern>".
func (p *handlerParser) tenantFrom() error {
	if err := p.once("tenant_from"); err != nil {
		return err
	}
	args := p.d.RemainingArgs()
	if len(args) != 2 || (args[0] != "host" && args[0] != "path") {
		return p.d.Err("tenant_from takes host or path and a pattern: tenant_from host {tenant}.app.example.com, or tenant_from path /t/{tenant}/")
	}
	tf := p.tenants()
	if args[0] == "host" {
		tf.Host = args[1]
	} else {
		tf.Path = args[1]
	}
	return noBlock(p.d, "tenant_from")
}

// shared parses "shared <pattern...>".
func (p *handlerParser) shared() error {
	args := p.d.RemainingArgs()
	if len(args) == 0 {
		return p.d.Err("shared takes one or more path patterns: shared /static/* /favicon.ico")
	}
	tf := p.tenants()
	tf.Shared = append(tf.Shared, args...)
	return noBlock(p.d, "shared")
}

func (p *handlerParser) tenants() *TenantFrom {
	if p.h.TenantFrom == nil {
		p.h.TenantFrom = new(TenantFrom)
	}
	return p.h.TenantFrom
}

// gatewayTenants is the gateway's form of tf; nil when tf is.
func (tf *TenantFrom) gatewayTenants() *gateway.TenantFrom {
	if tf == nil {
		return nil
	}
	return &gateway.TenantFrom{Host: tf.Host, Path: tf.Path, Shared: tf.Shared}
}

// validateTenants checks tenant_from against the issuer; shared alone
// would silently do nothing, so it is an error.
func (h *Handler) validateTenants() error {
	tf := h.TenantFrom
	if tf == nil || strings.ContainsAny(h.Issuer, "{}") {
		return nil
	}
	if tf.Host == "" && tf.Path == "" {
		return errShared
	}
	return tf.gatewayTenants().Check(h.Issuer)
}

var errShared = errors.New("shared needs tenant_from: it names the pages agents may use outside any tenant")
