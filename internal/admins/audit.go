package admins

import (
	"context"
	"encoding/json"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// listed is an admin as the audit trail records it: who, and where
// notifications go; names are left out.
type listed struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

type updatedData struct {
	Admins []listed `json:"admins"`
}

// audit records the new list, retried (audit.AppendChange). The list has
// already changed, so a failure here is reported, not rolled back.
func (r *Registry) audit(ctx context.Context, tenantID string, list []Admin, by store.Actor) error {
	d := updatedData{Admins: make([]listed, 0, len(list))}
	for _, a := range list {
		d.Admins = append(d.Admins, listed{ID: a.ID, Email: a.Email, Role: a.Role})
	}
	data, _ := json.Marshal(d) // plain strings always encode
	e := store.Event{Type: EventUpdated, Time: r.now(), Actor: &by, Data: data}
	if _, err := audit.AppendChange(ctx, r.store, tenantID, e); err != nil {
		return problem.Store(err)
	}
	return nil
}
