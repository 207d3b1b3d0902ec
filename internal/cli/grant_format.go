package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// expires says when an active grant ends: "standing" or
// "2026-01-09 15:04 UTC (in 7d)".
func (c *Client) expires(g store.Grant) string {
	if g.Standing() {
		return "standing"
	}
	return fmt.Sprintf("%s (%s)", Absolute(*g.ExpiresAt), Relative(*g.ExpiresAt, c.now()))
}

// status describes where a grant stands: "active, expires in 7d",
// "revoked 5m ago by ops:dana (done)", "replaced 2h ago", "expired 3d ago".
func status(g store.Grant, now time.Time) string {
	switch {
	case g.Ended():
		s := g.EndReason + " " + Relative(*g.EndedAt, now)
		if g.EndedBy != nil {
			s += " by " + actor(g.EndedBy)
		}
		if g.EndNote != "" {
			s += " (" + g.EndNote + ")"
		}
		return s
	case g.Expired(now):
		return "expired " + Relative(*g.ExpiresAt, now)
	case g.Standing():
		return "active, standing"
	}
	return "active, expires " + Relative(*g.ExpiresAt, now)
}

// scopes lists a grant's scopes and, when it has any, the areas it is
// limited to: "read,write" or "read,write only planning,calendar".
func scopes(g store.Grant) string {
	s := strings.Join(g.Scopes, ",")
	if len(g.Areas) > 0 {
		s += " only " + strings.Join(g.Areas, ",")
	}
	return cell(s, maxCell)
}

// actor names who acted: the id, with the email when it adds something.
func actor(a *store.Actor) string {
	if a == nil {
		return ""
	}
	if a.Email != "" && a.Email != a.ID {
		return a.ID + " <" + a.Email + ">"
	}
	return a.ID
}
