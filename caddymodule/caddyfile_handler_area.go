package caddymodule

import "github.com/lockbox-gw/lockbox/internal/policy"

// area parses "area <name> <pattern...>", a part of the app grants may be
// limited to.
func (p *handlerParser) area() error {
	args := p.d.RemainingArgs()
	if len(args) < 2 {
		return p.d.Err("area takes a name and one or more path patterns: area planning /planning* /calendar*")
	}
	name, patterns := args[0], args[1:]
	if _, dup := p.h.Areas[name]; dup {
		return p.d.Errf("area %s is already defined; give each area once, with all its patterns", name)
	}
	if err := policy.ParseArea(name, patterns); err != nil {
		return p.d.Errf("area: %v", err)
	}
	if p.h.Areas == nil {
		p.h.Areas = map[string][]string{}
	}
	p.h.Areas[name] = patterns
	return noBlock(p.d, "area")
}
