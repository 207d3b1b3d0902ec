package appapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Checkpointer signs and lists a tenant's audit checkpoints; a
// *checkpoint.Service is one.
type Checkpointer interface {
	SignTenant(ctx context.Context, tenant string) (checkpoint.Signed, error)
	List(ctx context.Context, tenant string, limit int) ([]checkpoint.Signed, error)
}

// checkpointList answers the checkpoint routes.
type checkpointList struct {
	Checkpoints []checkpoint.Signed `json:"checkpoints"`
}

// listCheckpoints answers GET /tenants/{tenant}/audit/checkpoints: the
// kept checkpoints, newest first.
func (h *Handler) listCheckpoints(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	q, err := httpjson.Query(r, "limit")
	if err != nil {
		return err
	}
	limit := store.DefaultPageSize
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > store.MaxPageSize {
			return httpjson.BadQuery("limit must be a whole number from 1 to %d", store.MaxPageSize)
		}
	}
	if h.d.Checkpoints == nil {
		return noCheckpoints()
	}
	cps, err := h.d.Checkpoints.List(r.Context(), t, limit)
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, checkpointList{Checkpoints: httpjson.NonNil(cps)})
}

// signCheckpoint answers POST /tenants/{tenant}/audit/checkpoints: the
// tenant's head signed now, kept and sent as an audit.checkpoint webhook.
func (h *Handler) signCheckpoint(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	if err := (httpjson.Body{Optional: true}).Decode(w, r, &struct{}{}); err != nil {
		return err
	}
	if h.d.Checkpoints == nil {
		return noCheckpoints()
	}
	cp, err := h.d.Checkpoints.SignTenant(r.Context(), t)
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusCreated, cp)
}

func noCheckpoints() error {
	return problem.New(problem.Unavailable, "checkpoints_unavailable", "audit checkpoints are not kept here")
}
