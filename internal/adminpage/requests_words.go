package adminpage

import (
	"fmt"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/request"
)

// askWords says what an agent asked for.
func askWords(x request.Request) pages.AdminAsk {
	return pages.AdminAsk{
		ID: x.ID, Anchor: "request-" + x.ID, Agent: agentWords(x.Agent), Roles: strings.Join(x.Roles, ", "),
		At: at(x.CreatedAt), Reason: x.Reason, Ticket: x.Ticket, Extension: x.Extension,
		Scopes: scopeWords(x.Scopes), Areas: areaWords(x.Areas), Duration: lengthText(x.Duration),
	}
}

// lengthText says a stored duration ("7d") as "7 days".
func lengthText(v string) string {
	d, err := grant.ParseDuration(v)
	if err != nil {
		return v
	}
	return durationWords(d)
}

// approvalCount says how far a request got, e.g. "1 of 2 approvals".
func approvalCount(x request.Request) string {
	unit := "approvals"
	if x.Needed == 1 {
		unit = "approval"
	}
	return fmt.Sprintf("%d of %d %s", len(x.Approvals), x.Needed, unit)
}

// approverWords says who approved a request so far and what each gave.
func approverWords(x request.Request) []string {
	out := make([]string, 0, len(x.Approvals))
	for _, ap := range x.Approvals {
		gave := grantedWords(x.Extension, ap.Scopes, ap.Duration, ap.Areas)
		out = append(out, actorWords(ap.By)+" on "+at(ap.At)+": "+gave)
	}
	return out
}

// grantedWords says what an approval gives: a grant's access and length,
// or the time an extension adds.
func grantedWords(extension bool, scopes []string, duration string, areas []string) string {
	if extension {
		return lengthText(duration) + " more on the current grant"
	}
	s := scopeWords(scopes) + ", for " + lengthText(duration)
	if len(areas) > 0 {
		s += "; " + areaWords(areas)
	}
	return s
}

// deciders names who ended a request: its approvers in order, or the
// admin who denied it; "" when it expired.
func deciders(x request.Request) string {
	switch {
	case x.State == request.Approved:
		names := make([]string, 0, len(x.Approvals))
		for _, ap := range x.Approvals {
			names = append(names, actorWords(ap.By))
		}
		return strings.Join(names, ", ")
	case x.State == request.Denied && x.DecidedBy != nil:
		return actorWords(*x.DecidedBy)
	}
	return ""
}

// decidedWords says by whom and when a request ended, e.g. " by
// ana@acme.example on 2030-01-02 03:04 UTC".
func decidedWords(x request.Request) string {
	s := ""
	if by := deciders(x); by != "" {
		s = " by " + by
	}
	if x.DecidedAt != nil {
		s += " on " + at(*x.DecidedAt)
	}
	return s
}

// moreApprovals says how many other admins must still approve.
func moreApprovals(x request.Request) string {
	n := x.Needed - len(x.Approvals)
	if n == 1 {
		return "it needs 1 more approval from another admin"
	}
	return fmt.Sprintf("it needs %d more approvals from other admins", n)
}

// limitedWords begins the note of an admin whose link limits areas.
func limitedWords(allowed []string) string {
	return "Your link lets you grant only " + strings.Join(allowed, ", ") + ";"
}

// askedAreaWords names areas, or the whole app for none.
func askedAreaWords(areas []string) string {
	if len(areas) == 0 {
		return "the whole app"
	}
	return strings.Join(areas, ", ")
}
