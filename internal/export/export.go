// Package export streams every tenant's audit events as JSON lines, one
// event per line exactly as stored, to a file a log shipper tails (or to
// stdout), keeping a cursor so a restart neither repeats nor skips an
// event.
//
// With a file, the file itself is the truth: the cursor file records how
// far the file was known good, and on start the lines written after it
// (a crash between writing and saving the cursor) are read back into the
// cursor; a partial last line is cut. With stdout, the cursor is saved
// after each batch is written, so a crash in between repeats at most that
// batch (each line carries tenant and seq to drop it by).
package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Source is where events are read: a store, or the gateway's admin API.
type Source interface {
	Tenants(ctx context.Context) ([]string, error)
	Events(ctx context.Context, tenant string, q store.EventQuery) ([]store.Event, error)
}

// Cursor is what has been exported.
type Cursor struct {
	// Offset is the size of the output file up to the last whole line
	// known exported (file output only).
	Offset int64 `json:"offset"`
	// After is each tenant's last exported seq.
	After map[string]int64 `json:"after"`
}

// Exporter writes events after its cursor.
type Exporter struct {
	src   Source
	out   io.Writer
	file  *os.File // nil for stdout
	state string
	cur   Cursor
}

// Open prepares an export to path ("-" for w) with its cursor in state,
// recovering from a crash as the package documentation says.
func Open(src Source, path, state string, w io.Writer) (*Exporter, error) {
	if state == "" {
		return nil, errors.New("export: a cursor file is required")
	}
	x := &Exporter{src: src, out: w, state: state, cur: Cursor{After: map[string]int64{}}}
	if err := x.loadCursor(); err != nil {
		return nil, err
	}
	if path == "-" {
		return x, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	x.file, x.out = f, f
	if err := x.recover(); err != nil {
		_ = f.Close()
		return nil, err
	}
	return x, nil
}

// Close closes the output file.
func (x *Exporter) Close() error {
	if x.file == nil {
		return nil
	}
	return x.file.Close()
}

// Cursor returns the current cursor.
func (x *Exporter) Cursor() Cursor { return x.cur }

// Once exports every tenant's events after the cursor and reports how
// many lines it wrote.
func (x *Exporter) Once(ctx context.Context) (int, error) {
	tenants, err := x.src.Tenants(ctx)
	if err != nil {
		return 0, err
	}
	sort.Strings(tenants)
	total := 0
	for _, t := range tenants {
		for {
			batch, err := x.src.Events(ctx, t, store.EventQuery{AfterSeq: x.cur.After[t], Limit: store.MaxPageSize})
			if err != nil || len(batch) == 0 {
				if err != nil {
					return total, err
				}
				break
			}
			if err := x.write(t, batch); err != nil {
				return total, err
			}
			total += len(batch)
			if len(batch) < store.MaxPageSize {
				break
			}
		}
	}
	return total, nil
}

// write appends a batch, makes it durable, then saves the cursor.
func (x *Exporter) write(tenant string, batch []store.Event) error {
	var buf []byte
	for _, e := range batch {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		buf = append(append(buf, line...), '\n')
	}
	if _, err := x.out.Write(buf); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if x.file != nil {
		if err := x.file.Sync(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		x.cur.Offset += int64(len(buf))
	}
	x.cur.After[tenant] = batch[len(batch)-1].Seq
	return x.saveCursor()
}

func (x *Exporter) loadCursor() error {
	raw, err := os.ReadFile(x.state)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := json.Unmarshal(raw, &x.cur); err != nil {
		return fmt.Errorf("export: cursor file %s is damaged: %w", x.state, err)
	}
	if x.cur.After == nil {
		x.cur.After = map[string]int64{}
	}
	return nil
}

// saveCursor writes the cursor crash-safely: temporary file, fsync,
// rename.
func (x *Exporter) saveCursor() error {
	raw, err := json.Marshal(x.cur)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(x.state), ".tmp-cursor-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = tmp.Write(raw)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), x.state)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("export: save cursor: %w", err)
	}
	return nil
}
