package email

import (
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Time layouts for people: the body names the day; subjects stay short.
const (
	longTime  = "Mon 2 Jan 2006, 15:04 MST"
	shortDay  = "2 Jan"
	shortYear = "2 Jan 2006"
	clock     = "15:04 MST"
)

// access says in words what scopes let support do: a summary such as
// "read and write, with personal data" and what that means.
func access(scopes []string, product string) (summary, meaning string) {
	summary = "read-only"
	can := product + " support can see data in your tenant but not change it."
	if slices.Contains(scopes, scope.Write) {
		summary = "read and write"
		can = product + " support can see and change data in your tenant."
	}
	if slices.Contains(scopes, scope.PII) {
		return summary + ", with personal data", can + " Personal data is shown to them unmasked."
	}
	return summary, can + " Personal data stays masked."
}

// actorName names who did something, for a customer's admin: an email
// when known; an operator ("ops:dana") as the vendor's operations team.
func actorName(a *store.Actor, product string) string {
	switch {
	case a == nil:
		return ""
	case a.Email != "":
		return oneLine(a.Email)
	}
	if name, ok := strings.CutPrefix(a.ID, "ops:"); ok {
		return oneLine(name) + " (" + product + " operations)"
	}
	return oneLine(a.ID)
}

// timeWords writes times in one zone.
type timeWords struct {
	loc *time.Location
	// now anchors short dates: the year is given only when it differs.
	now time.Time
}

// long is "Sat 29 Nov 2025, 14:00 UTC", or "" for the zero time.
func (w timeWords) long(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(w.loc).Format(longTime)
}

// day is "29 Nov", with the year when it is not now's.
func (w timeWords) day(t time.Time) string {
	t = t.In(w.loc)
	if t.Year() != w.now.In(w.loc).Year() {
		return t.Format(shortYear)
	}
	return t.Format(shortDay)
}

// clock is "14:00 UTC".
func (w timeWords) clock(t time.Time) string {
	return t.In(w.loc).Format(clock)
}
