package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/redis/go-redis/v9"
)

// pageRows runs a listing script (history.lua, sessions.lua) for the
// page after p's cursor of the sorted set list, whose items are keyed
// under prefix. It asks for one row more than the page's size, to learn
// whether another page follows; a cursor naming no item of list is
// store.ErrInvalidCursor.
func (s *Store) pageRows(ctx context.Context, script *redis.Script, list, prefix string, p store.Page) (rows []any, size int, err error) {
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, 0, err
	}
	size = p.Size()
	rows, err = script.Run(ctx, s.c, []string{list}, after, size+1, prefix).Slice()
	if errors.Is(err, redis.Nil) {
		err = store.ErrInvalidCursor
	}
	return rows, size, err
}

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
