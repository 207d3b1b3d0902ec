package grant

import (
	"strings"
	"time"
	"unicode"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// Bounds on what a grant may say.
const (
	MinDuration = time.Minute
	MaxDuration = 400 * 24 * time.Hour
	MaxNote     = 500
	maxActorID  = 200
)

// CreateRequest is what a tenant admin or an operator asks for.
type CreateRequest struct {
	Tenant string
	// Scopes, parsed with scope.Parse; read is always added.
	Scopes []string
	// Duration of the grant; must be zero when Standing.
	Duration time.Duration
	Standing bool
	By       store.Actor
	Note     string
	// Areas limit the grant to configured parts of the app, by name;
	// empty means the whole app. Checked here by form only.
	Areas []string
}

// validate checks every field and returns the canonical scopes.
func (r CreateRequest) validate() ([]string, error) {
	if err := tenant.Validate(r.Tenant); err != nil {
		return nil, err
	}
	scopes, err := scope.Parse(r.Scopes...)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Standing && r.Duration != 0:
		return nil, problem.New(problem.Invalid, "invalid_duration", "a standing grant has no duration; give one or the other")
	case !r.Standing && r.Duration == 0:
		return nil, problem.New(problem.Invalid, "invalid_duration", "give a duration (for example 7d) or ask for a standing grant")
	case !r.Standing && (r.Duration < MinDuration || r.Duration > MaxDuration):
		return nil, problem.New(problem.Invalid, "invalid_duration", "duration %s is out of range: use 1m to 400d, or a standing grant", FormatDuration(r.Duration))
	}
	if err := validateActor(r.By); err != nil {
		return nil, err
	}
	if err := ValidateText("note", r.Note, MaxNote); err != nil {
		return nil, err
	}
	return scopes, nil
}

func validateActor(a store.Actor) error {
	if strings.TrimSpace(a.ID) == "" {
		return problem.New(problem.Invalid, "invalid_actor", "say who is acting (an id is required)")
	}
	for name, v := range map[string]string{"actor id": a.ID, "actor email": a.Email, "actor role": a.Role} {
		if err := ValidateText(name, v, maxActorID); err != nil {
			return err
		}
	}
	return nil
}

// ValidateText refuses text longer than max characters or holding control
// characters, which would corrupt logs, headers and tables.
func ValidateText(field, v string, max int) error {
	if n := len([]rune(v)); n > max {
		return problem.New(problem.Invalid, "invalid_"+strings.ReplaceAll(field, " ", "_"), "%s is too long (%d characters, at most %d)", field, n, max)
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return problem.New(problem.Invalid, "invalid_"+strings.ReplaceAll(field, " ", "_"), "%s must not contain control characters", field)
	}
	return nil
}
