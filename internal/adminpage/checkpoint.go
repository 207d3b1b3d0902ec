package adminpage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// checkpointPath serves the tenant's latest signed checkpoint as a file
// that `lockbox audit verify --checkpoint` reads as it is.
const checkpointPath = "/checkpoint.jws"

// latestCheckpoint is the tenant's latest signed checkpoint; nil when
// none was signed yet or the page has no checkpoints.
func (h *Handler) latestCheckpoint(ctx context.Context, tenant string) (*checkpoint.Signed, error) {
	if h.d.Checkpoints == nil {
		return nil, nil
	}
	cp, err := h.d.Checkpoints(ctx, tenant)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, problem.Store(err)
	case cp.Tenant != tenant || cp.JWS == "":
		return nil, nil
	}
	return &cp, nil
}

// checkpointView is the page's line about the latest checkpoint.
func (h *Handler) checkpointView(ctx context.Context, tenant string) (*pages.AdminCheckpoint, error) {
	cp, err := h.latestCheckpoint(ctx, tenant)
	if cp == nil || err != nil {
		return nil, err
	}
	return &pages.AdminCheckpoint{Seq: cp.Seq, At: at(cp.Time), JWS: cp.JWS, Download: h.base + checkpointPath}, nil
}

// serveCheckpoint answers the signed-in admin with the tenant's latest
// checkpoint, as a download.
func (h *Handler) serveCheckpoint(w http.ResponseWriter, r *http.Request) {
	a, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	t := a.session.Tenant
	cp, err := h.latestCheckpoint(r.Context(), t)
	switch {
	case err != nil:
		h.failed(w, r, err)
		return
	case cp == nil:
		h.notFound(w)
		return
	}
	// Tenant ids are lowercase letters, digits, '.', '_' and '-': safe in
	// a quoted file name.
	w.Header().Set("Content-Type", "application/jose")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-audit-checkpoint-%d.jws"`, t, cp.Seq))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, cp.JWS+"\n")
}
