package redisstore

import (
	"errors"
	"fmt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// rowPage decodes a listing script's rows — each [key, fields...], one
// more than size to learn whether another page follows — into at most
// size items and the cursor of the next page. A listed item that is gone
// is skipped rather than failing the page.
func rowPage[T any](rows []any, size int, what string, decode func([]any) (T, error)) ([]T, string, error) {
	n := min(len(rows), size)
	page := make([]T, 0, n)
	last := ""
	for _, r := range rows[:n] {
		row, _ := r.([]any)
		last, _ = first(row).(string)
		v, err := decode(row[min(len(row), 1):])
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s %s: %w", what, last, err)
		}
		page = append(page, v)
	}
	if len(rows) <= size {
		return page, "", nil
	}
	return page, encodeCursor(last), nil
}
