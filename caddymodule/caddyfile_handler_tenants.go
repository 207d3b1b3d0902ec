package caddymodule

import "github.com/lockbox-gw/lockbox/internal/siteconfig"

// tenantFrom parses "tenant_from host <pattern>" or "tenant_from path
// <pattern>".
func (p *handlerParser) tenantFrom() error {
	if err := p.once("tenant_from"); err != nil {
		return err
	}
	p.note("tenant_from", "")
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
	p.note("shared", "")
	args := p.d.RemainingArgs()
	if len(args) == 0 {
		return p.d.Err("shared takes one or more path patterns: shared /static/* /favicon.ico")
	}
	tf := p.tenants()
	tf.Shared = append(tf.Shared, args...)
	return noBlock(p.d, "shared")
}

func (p *handlerParser) tenants() *siteconfig.TenantFrom {
	if p.h.TenantFrom == nil {
		p.h.TenantFrom = new(siteconfig.TenantFrom)
	}
	return p.h.TenantFrom
}
