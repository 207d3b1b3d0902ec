package audit

import (
	"context"
)

// FlushSession writes the activity of one session noted but not yet
// written, so what is read from the store next (the request count a
// session ends with) includes every request this writer has seen. On
// failure the activity is kept for the next flush.
func (w *Writer) FlushSession(ctx context.Context, tenant, id string) error {
	// A flush under way may have taken this session's activity and not
	// written it yet: wait for it, so nothing is between the two.
	w.flushing.Lock()
	defer w.flushing.Unlock()
	k := touchKey{tenant, id}
	w.mu.Lock()
	t, ok := w.touches[k]
	delete(w.touches, k)
	w.mu.Unlock()
	if !ok {
		return nil
	}
	if err := w.store.TouchSessions(ctx, t); err != nil {
		w.mu.Lock()
		w.addTouch(t)
		w.mu.Unlock()
		return err
	}
	return nil
}
