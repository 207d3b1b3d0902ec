package adminpage

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// The page says things in words a tenant admin uses, not in scope names.

// timeFormat is how the page shows a time; UTC, as everywhere in Lockbox.
const timeFormat = "2006-01-02 15:04 UTC"

func at(t time.Time) string { return t.UTC().Format(timeFormat) }

// scopeWords says what scopes allow, e.g. "Read-only, personal data
// masked".
func scopeWords(scopes []string) string {
	access, pii := "Read-only", "personal data masked"
	if slices.Contains(scopes, scope.Write) {
		access = "Read and write"
	}
	if slices.Contains(scopes, scope.PII) {
		pii = "personal data visible"
	}
	return access + ", " + pii
}

// areaWords says which parts of the app a grant covers: "only:
// planning, calendar", or "" for the whole app.
func areaWords(areas []string) string {
	if len(areas) == 0 {
		return ""
	}
	return "only: " + strings.Join(areas, ", ")
}

// lengthWords says how long a grant was given for at first; its
// extensions are told apart.
func lengthWords(g store.Grant) string {
	if g.Standing() {
		return "standing (until revoked)"
	}
	end := *g.ExpiresAt
	if len(g.Extensions) > 0 {
		end = g.Extensions[0].From
	}
	return "for " + durationWords(end.Sub(g.CreatedAt))
}

// extensionWords says each time a grant got more time.
func extensionWords(g store.Grant) []string {
	out := make([]string, 0, len(g.Extensions))
	for _, e := range g.Extensions {
		out = append(out, fmt.Sprintf("extended by %s on %s until %s (%s more)",
			actorWords(e.By), at(e.At), at(e.To), durationWords(e.To.Sub(e.From))))
	}
	return out
}

// durationWords says a length as "7 days", "36 hours" or "90 minutes".
func durationWords(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	}
	return grant.FormatDuration(d)
}

func plural(n int64, unit string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", unit)
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// choiceLabel is a grant length on the form.
func choiceLabel(c tenantadmin.Choice) string {
	if c.Standing {
		return "Until I revoke it (standing)"
	}
	return durationWords(c.Duration)
}

// untilWords says how long the active grant g lasts at now.
func untilWords(g store.Grant, now time.Time) string {
	if g.Standing() {
		return "with no end date, until you revoke it"
	}
	return fmt.Sprintf("until %s (%s left)", at(*g.ExpiresAt), leftWords(g.ExpiresAt.Sub(now)))
}

// leftWords says a remaining time rounded to what matters to a person:
// days from two days on, then hours, then minutes.
func leftWords(d time.Duration) string {
	hours := (d + 30*time.Minute) / time.Hour
	minutes := (d + 30*time.Second) / time.Minute
	switch {
	case hours >= 48:
		return plural(int64((d+12*time.Hour)/(24*time.Hour)), "day")
	case hours >= 2:
		return plural(int64(hours), "hour")
	case minutes >= 1:
		return plural(int64(minutes), "minute")
	}
	return "less than a minute"
}

// endedWords says how and when a grant ended; "" while it is active.
func endedWords(g store.Grant, now time.Time) string {
	switch {
	case g.Ended() && g.EndReason == store.EndRevoked:
		return "revoked " + at(*g.EndedAt) + byWords(g.EndedBy)
	case g.Ended() && g.EndReason == store.EndReplaced:
		return "replaced by a new grant " + at(*g.EndedAt)
	case g.Ended():
		return g.EndReason + " " + at(*g.EndedAt)
	case g.Expired(now):
		return "expired " + at(*g.ExpiresAt)
	}
	return ""
}

func byWords(a *store.Actor) string {
	if a == nil {
		return ""
	}
	return " by " + actorWords(*a)
}

// actorWords names who acted: an admin or agent by email, an operator
// by id.
func actorWords(a store.Actor) string {
	if a.Email != "" {
		return a.Email
	}
	return a.ID
}

// adminWords names the signed-in admin.
func adminWords(a admins.Admin) string {
	if a.Name != "" {
		return a.Name + " (" + a.Email + ")"
	}
	return a.Email
}

// agentWords names a support agent.
func agentWords(a store.Agent) string {
	switch {
	case a.Name != "" && a.Email != "":
		return a.Name + " (" + a.Email + ")"
	case a.Email != "":
		return a.Email
	case a.Name != "":
		return a.Name
	}
	return a.Subject
}

// sessionEndWords says why a visit ended.
// requestWords counts a visit's requests, the refused among them named:
// "no requests", "1 request", "3 requests, 1 refused".
func requestWords(requests, refused int64) string {
	var s string
	switch requests {
	case 0:
		s = "no requests"
	case 1:
		s = "1 request"
	default:
		s = fmt.Sprintf("%d requests", requests)
	}
	if refused > 0 {
		s += fmt.Sprintf(", %d refused", refused)
	}
	return s
}

func sessionEndWords(reason string) string {
	switch reason {
	case store.SessionLogout:
		return "the agent signed out"
	case store.SessionExit:
		return "the agent left"
	case store.SessionIdle:
		return "ended after inactivity"
	case store.SessionMax:
		return "reached its time limit"
	case store.SessionExpired:
		return "access expired"
	case store.SessionRevoked:
		return "access revoked"
	case store.SessionReplaced:
		return "access replaced by a new grant"
	}
	return reason
}
