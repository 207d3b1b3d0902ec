package adminpage

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// EventBreakGlassAcknowledged is audited when a tenant admin
// acknowledges an emergency (break-glass) visit on the page.
const EventBreakGlassAcknowledged = "breakglass.acknowledged"

// ackKind is the store record kind marking a break-glass visit as
// acknowledged, keyed "<tenant>/<session>". The record answers "is it
// acknowledged?" in one read per visit and, created only if absent, lets
// exactly one admin acknowledge it; the audit event tells who did.
const ackKind = "breakglass-ack"

// ackData is both the acknowledgement record and its event's data.
type ackData struct {
	Session string      `json:"session"`
	Agent   store.Agent `json:"agent"`
	By      store.Actor `json:"by"`
	At      time.Time   `json:"at"`
}

// serveAck acknowledges the break-glass visit id, by the admin, once.
func (h *Handler) serveAck(w http.ResponseWriter, r *http.Request, id string) {
	a, ok := h.form(w, r)
	if !ok {
		return
	}
	ctx, t := r.Context(), a.session.Tenant
	s, err := h.d.Grants.Store().GetSession(ctx, t, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !s.BreakGlass):
		h.notFound(w)
		return
	case err != nil:
		h.failed(w, r, problem.Store(err))
		return
	}
	if err := h.acknowledge(ctx, s, a.actor); err != nil {
		h.failed(w, r, err)
		return
	}
	h.done(w, r, "acknowledged")
}

// acknowledge records that by has seen break-glass visit s. A visit
// acknowledged already is left as it is.
func (h *Handler) acknowledge(ctx context.Context, s store.Session, by store.Actor) error {
	st := h.d.Grants.Store()
	d := ackData{Session: s.ID, Agent: s.Agent, By: by, At: h.d.Grants.Now().UTC()}
	raw, _ := json.Marshal(d) // plain struct always encodes
	key := ackKey(s.Tenant, s.ID)
	created, err := st.CreateRecord(ctx, ackKind, key, raw, 0)
	if err != nil {
		return problem.Store(err)
	}
	if !created {
		return nil
	}
	e := store.Event{Type: EventBreakGlassAcknowledged, Time: d.At, Actor: &by, Session: s.ID, Data: raw}
	if _, err := audit.AppendChange(ctx, st, s.Tenant, e); err != nil {
		// Unaudited, the acknowledgement must not hide the notice.
		_ = st.DeleteRecord(context.WithoutCancel(ctx), ackKind, key)
		return problem.Store(err)
	}
	return nil
}

func ackKey(tenant, session string) string { return tenant + "/" + session }

// breakGlassNotices are the tenant's break-glass visits among the newest
// page of visits that no admin has acknowledged yet, newest first; ss is
// that page when the page shows it, else it is read.
func (h *Handler) breakGlassNotices(ctx context.Context, tenant string, ss []store.Session, newest bool) ([]pages.AdminBreakGlass, error) {
	if !newest {
		var err error
		if ss, _, err = h.d.Grants.Store().Sessions(ctx, tenant, store.Page{Limit: sessionsPerPage}); err != nil {
			return nil, problem.Store(err)
		}
	}
	var out []pages.AdminBreakGlass
	for _, s := range ss {
		if !s.BreakGlass {
			continue
		}
		_, err := h.d.Grants.Store().GetRecord(ctx, ackKind, ackKey(s.Tenant, s.ID))
		switch {
		case err == nil:
			continue
		case !errors.Is(err, store.ErrNotFound):
			return nil, problem.Store(err)
		}
		out = append(out, pages.AdminBreakGlass{
			Agent: agentWords(s.Agent), At: at(s.StartedAt), Until: at(s.EndsAt), Reason: s.Reason,
			URL: h.base + "/sessions/" + s.ID, Ack: h.base + "/breakglass/" + s.ID + "/ack",
		})
	}
	return out, nil
}
