package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/admins"
)

// AdminSpecHelp describes the --admin format, for the command's help.
const AdminSpecHelp = `Each --admin is one admin, as comma-separated key=value fields: id,
email and role are required, name is optional:
'id=a1,email=ana@acme.example,name=Ana Admin,role=owner'. Put a value in
double quotes to include commas (name="Admin, Ana"); inside quotes, \"
is a quote and \\ a backslash.`

// specField is one key=value of an --admin value.
type specField struct {
	key, value string
}

// parseAdmin reads one --admin value: comma-separated key=value fields
// (id, email, name, role), spaces around keys and values ignored, a value
// in double quotes keeping commas and spaces as they are. The registry
// checks the values themselves; here only the shape is checked.
func parseAdmin(spec string) (admins.Admin, error) {
	fields, err := specFields(spec)
	if err != nil {
		return admins.Admin{}, err
	}
	var a admins.Admin
	set := map[string]*string{"id": &a.ID, "email": &a.Email, "name": &a.Name, "role": &a.Role}
	seen := map[string]bool{}
	for _, f := range fields {
		dst, ok := set[f.key]
		switch {
		case !ok:
			return admins.Admin{}, fmt.Errorf("unknown field %q (use id, email, name and role)", OneLine(f.key, 40))
		case seen[f.key]:
			return admins.Admin{}, fmt.Errorf("%s is given twice", f.key)
		}
		seen[f.key], *dst = true, f.value
	}
	for _, key := range []string{"id", "email", "role"} {
		if *set[key] == "" {
			return admins.Admin{}, fmt.Errorf("%s is required", key)
		}
	}
	return a, nil
}

// specFields splits an --admin value into its fields, skipping empty
// ones such as a trailing comma leaves.
func specFields(spec string) ([]specField, error) {
	var out []specField
	for rest := spec; strings.TrimSpace(rest) != ""; {
		f, next, err := nextField(rest)
		if err != nil {
			return nil, err
		}
		if f.key != "" {
			out = append(out, f)
		}
		rest = next
	}
	if len(out) == 0 {
		return nil, errors.New("it is empty")
	}
	return out, nil
}

// nextField reads one field of s and returns what follows its comma. An
// empty field has an empty key.
func nextField(s string) (specField, string, error) {
	part, after, _ := strings.Cut(s, ",")
	if !strings.Contains(part, "=") {
		if strings.TrimSpace(part) == "" {
			return specField{}, after, nil
		}
		return specField{}, "", fmt.Errorf("%q is not key=value", OneLine(strings.TrimSpace(part), 40))
	}
	key, value, _ := strings.Cut(s, "=") // the '=' is within part
	f := specField{key: strings.ToLower(strings.TrimSpace(key))}
	if f.key == "" {
		return specField{}, "", errors.New("a field has a value but no name")
	}
	value = strings.TrimLeft(value, " ")
	if strings.HasPrefix(value, `"`) {
		v, rest, err := quoted(value[1:])
		f.value = v
		return f, rest, err
	}
	v, rest, _ := strings.Cut(value, ",")
	f.value = strings.TrimSpace(v)
	return f, rest, nil
}

// quoted reads a quoted value after its opening quote, up to the closing
// one, where \" is a quote and \\ a backslash; only spaces may follow it
// before the next comma.
func quoted(s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			after, rest, _ := strings.Cut(s[i+1:], ",")
			if strings.TrimSpace(after) != "" {
				return "", "", fmt.Errorf("a quoted value must be followed by a comma or the end, not %q", OneLine(after, 40))
			}
			return b.String(), rest, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("a quoted value has no closing quote")
}
