package caddymodule

// area parses "area <name> <pattern...>", a part of the app grants may be
// limited to.
func (p *handlerParser) area() error {
	args := p.d.RemainingArgs()
	if len(args) < 2 {
		return p.d.Err("area takes a name and one or more path patterns: area planning /planning* /calendar*")
	}
	name, patterns := args[0], args[1:]
	if _, dup := p.h.Areas[name]; dup {
		return p.d.Errf("area %s is already defined; give each area once, with all its patterns", clip(name))
	}
	p.note("area", name)
	if p.h.Areas == nil {
		p.h.Areas = map[string][]string{}
	}
	p.h.Areas[name] = patterns
	return noBlock(p.d, "area")
}
