package admins

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// Bounds on a list.
const (
	MaxAdmins = 200
	MaxID     = 100
	MaxName   = 200
	MaxEmail  = 254
	MaxRole   = 64
)

// reserved are actor id namespaces Lockbox itself uses in the audit
// trail; an admin id in one of them could pass for an operator or agent.
var reserved = []string{"ops", "app", "agent"}

// Validate checks a whole list: at most MaxAdmins, ids unique.
func Validate(list []Admin) error {
	if len(list) > MaxAdmins {
		return invalid("a tenant has at most %d admins, not %d", MaxAdmins, len(list))
	}
	seen := make(map[string]bool, len(list))
	for i, a := range list {
		if err := validateAdmin(a); err != nil {
			return invalid("admins[%d]: %s", i, err)
		}
		if seen[a.ID] {
			return invalid("admins[%d]: id %q is listed twice", i, problem.Clip(a.ID, 80))
		}
		seen[a.ID] = true
	}
	return nil
}

// validateAdmin checks one admin's fields.
func validateAdmin(a Admin) error {
	if err := text("id", a.ID, MaxID, true); err != nil {
		return err
	}
	if err := reservedID(a.ID); err != nil {
		return err
	}
	if err := email(a.Email); err != nil {
		return err
	}
	if err := text("name", a.Name, MaxName, false); err != nil {
		return err
	}
	return text("role", a.Role, MaxRole, true)
}

// text checks length (in characters) and refuses control characters.
func text(field, v string, max int, required bool) error {
	switch n := len([]rune(v)); {
	case required && strings.TrimSpace(v) == "":
		return fmt.Errorf("%s is required", field)
	case n > max:
		return fmt.Errorf("%s is too long (%d characters, at most %d)", field, n, max)
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		return fmt.Errorf("%s must not contain control characters", field)
	}
	return nil
}

// email accepts a bare address such as ana@example.com.
func email(v string) error {
	if err := text("email", v, MaxEmail, true); err != nil {
		return err
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return fmt.Errorf("email %q is not a bare address such as ana@example.com", problem.Clip(v, 80))
	}
	return nil
}

func reservedID(id string) error {
	for _, r := range reserved {
		if id == r || strings.HasPrefix(id, r+":") {
			return fmt.Errorf("id %q is in the %q namespace Lockbox keeps for itself", problem.Clip(id, 80), r)
		}
	}
	return nil
}

func invalid(format string, args ...any) error {
	return problem.New(problem.Invalid, "invalid_admins", format, args...)
}
