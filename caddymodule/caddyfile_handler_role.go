package caddymodule

import (
	"slices"
	"strconv"

	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

// Keywords of a role line; the values of each run up to the next one.
const (
	roleGroups     = "groups"
	roleScopes     = "scopes"
	roleBreakGlass = "break_glass"
)

// role parses
//
//	role <name> groups <group...> scopes <scope...> [break_glass <duration>]
func (p *handlerParser) role() error {
	args := p.d.RemainingArgs()
	if len(args) == 0 {
		return p.d.Err("role needs a name: role <name> groups <group...> scopes <scope...> [break_glass <duration>]")
	}
	name := args[0]
	if slices.ContainsFunc(p.h.Roles, func(r siteconfig.Role) bool { return r.Name == name }) {
		return p.d.Errf("role %q is defined twice", clip(name))
	}
	p.note("role", name)
	parts, err := p.roleParts(name, args[1:])
	if err != nil {
		return err
	}
	r, err := p.roleOf(name, parts)
	if err != nil {
		return err
	}
	p.h.Roles = append(p.h.Roles, r)
	return noBlock(p.d, "role")
}

// roleParts splits the words after a role's name by keyword.
func (p *handlerParser) roleParts(name string, args []string) (map[string][]string, error) {
	parts := map[string][]string{}
	key := ""
	for _, a := range args {
		switch a {
		case roleGroups, roleScopes, roleBreakGlass:
			if _, dup := parts[a]; dup {
				return nil, p.d.Errf("role %q: %s is given twice", clip(name), a)
			}
			key, parts[a] = a, []string{}
			continue
		}
		if key == "" {
			return nil, p.d.Errf("role %q: expected groups, scopes or break_glass, not %q", clip(name), clip(a))
		}
		parts[key] = append(parts[key], a)
	}
	return parts, nil
}

// roleOf builds a role from its parts, each of which must have values;
// the values are checked with the rest of the config.
func (p *handlerParser) roleOf(name string, parts map[string][]string) (siteconfig.Role, error) {
	r := siteconfig.Role{Name: name, Groups: parts[roleGroups], Scopes: parts[roleScopes]}
	if len(r.Groups) == 0 {
		return siteconfig.Role{}, p.d.Errf("role %q needs groups: the values of the roles claim that give it", clip(name))
	}
	if len(r.Scopes) == 0 {
		return siteconfig.Role{}, p.d.Errf("role %q needs scopes: read, write and/or pii", clip(name))
	}
	bg, ok := parts[roleBreakGlass]
	if !ok {
		return r, nil
	}
	if len(bg) != 1 {
		return siteconfig.Role{}, p.d.Errf("role %q: break_glass takes one duration, such as 1h", clip(name))
	}
	if err := durationInto(&r.BreakGlass)(bg[0]); err != nil {
		return siteconfig.Role{}, p.d.Errf("role %q: break_glass: %v", clip(name), err)
	}
	return r, nil
}

// deny parses
//
//	deny <METHOD|*> <pattern>
func (p *handlerParser) deny() error {
	args := p.d.RemainingArgs()
	if len(args) != 2 {
		return p.d.Err("deny takes a method (or *) and a path pattern: deny DELETE /api/account*")
	}
	p.note("deny", strconv.Itoa(len(p.h.Deny)))
	p.h.Deny = append(p.h.Deny, siteconfig.DenyRule{Method: args[0], Path: args[1]})
	return noBlock(p.d, "deny")
}
