package adminpage

import (
	"slices"

	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Values of the grant form's access and pii fields.
const (
	accessRead  = "read"
	accessWrite = "write"
	piiMasked   = "masked"
	piiVisible  = "visible"
)

// view is the page's frame: who, the current access and the grant form,
// whose defaults are the narrowest choices.
func (h *Handler) view(a *admin, active *store.Grant) pages.Admin {
	now := h.d.Grants.Now()
	v := pages.Admin{
		Base: h.base, Tenant: a.session.Tenant, Admin: adminWords(a.record), CSRF: a.session.CSRF,
		Scopes: []pages.Option{{Value: accessRead, Label: "Read-only", Checked: true}, {Value: accessWrite, Label: "Read and write"}},
		PII:    []pages.Option{{Value: piiMasked, Label: "Masked", Checked: true}, {Value: piiVisible, Label: "Visible"}},
		Areas:  h.areaOptions(a.session.Areas), AreasRequired: len(a.session.Areas) > 0,
	}
	for i, c := range h.rules.Choices() {
		v.Durations = append(v.Durations, pages.Option{Value: c.Value(), Label: choiceLabel(c), Checked: i == 0})
	}
	if active != nil {
		v.Access = &pages.AdminAccess{
			Until: untilWords(*active, now), Scopes: scopeWords(active.Scopes), Areas: areaWords(active.Areas),
			GrantedBy: actorWords(active.CreatedBy), GrantedAt: at(active.CreatedAt), Note: active.Note,
		}
	}
	return v
}

func (h *Handler) grantRows(gs []store.Grant) []pages.AdminGrant {
	now := h.d.Grants.Now()
	rows := make([]pages.AdminGrant, 0, len(gs))
	for _, g := range gs {
		ended := endedWords(g, now)
		rows = append(rows, pages.AdminGrant{
			GrantedAt: at(g.CreatedAt), GrantedBy: actorWords(g.CreatedBy), Scopes: scopeWords(g.Scopes), Areas: areaWords(g.Areas),
			Length: lengthWords(g), Note: g.Note, Extensions: extensionWords(g), Active: ended == "", Ended: ended, EndNote: g.EndNote,
		})
	}
	return rows
}

// areaOptions are the area checkboxes: the site's areas, or only those
// of allowed when the admin's link carries areas. An allowed area the
// site no longer configures is left out, as it could not be granted.
func (h *Handler) areaOptions(allowed []string) []pages.Option {
	var opts []pages.Option
	for _, name := range h.areas.Names() {
		if len(allowed) == 0 || slices.Contains(allowed, name) {
			opts = append(opts, pages.Option{Value: name, Label: name})
		}
	}
	return opts
}

func (h *Handler) sessionRows(ss []store.Session) []pages.AdminSession {
	rows := make([]pages.AdminSession, 0, len(ss))
	for _, s := range ss {
		rows = append(rows, h.sessionRow(s))
	}
	return rows
}

// sessionRow is one visit. A visit past its end that the sweeper has not
// closed yet is shown as over, as the gateway treats it.
func (h *Handler) sessionRow(s store.Session) pages.AdminSession {
	row := pages.AdminSession{
		URL: h.base + "/sessions/" + s.ID, Agent: agentWords(s.Agent), Scopes: scopeWords(s.Scopes),
		LoginAt: at(s.StartedAt), Requests: requestWords(s.Requests, s.Refused), BreakGlass: s.BreakGlass, Reason: s.Reason,
	}
	switch {
	case s.Ended():
		row.LogoutAt, row.Ended = at(*s.EndedAt), sessionEndWords(s.EndReason)
	case !h.d.Grants.Now().Before(s.EndsAt):
		row.LogoutAt, row.Ended = at(s.EndsAt), "its time ran out"
	default:
		row.Active = true
	}
	return row
}

// scopesOf turns the form's access and pii choices into scopes.
func scopesOf(access, pii string) ([]string, bool) {
	out := []string{scope.Read}
	switch access {
	case accessRead:
	case accessWrite:
		out = append(out, scope.Write)
	default:
		return nil, false
	}
	switch pii {
	case piiMasked:
	case piiVisible:
		out = append(out, scope.PII)
	default:
		return nil, false
	}
	return out, true
}
