package archive

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// ErrCorrupt means a day file cannot be read back: truncated, not gzip,
// or a line that is not an event.
var ErrCorrupt = errors.New("archive file is damaged")

// maxLine bounds one line of a day file, far above any stored event.
const maxLine = 16 << 20

// Source yields a day's events in seq order, a batch per call, and an
// empty batch once there are no more.
type Source func() ([]store.Event, error)

// AppendDay writes the tenant's events of day, which must be over, to its
// file: the lines already there are kept, events up to the file's last
// seq are skipped (the one at that seq must carry the same hash), the
// rest must follow on without a gap. It returns the last event the file
// holds; nothing is written when nothing is new.
func (a *Archive) AppendDay(tenant string, day time.Time, next Source) (store.Head, error) {
	dir, err := a.subdir(tenant, eventsDir, true)
	if err != nil {
		return store.Head{}, err
	}
	name := DayName(day)
	var last store.Head
	err = writeFile(dir, name, func(f *os.File) error {
		zw := gzip.NewWriter(f)
		err := scanDay(filepath.Join(dir, name), func(line []byte, e store.Event) error {
			last = headOf(e)
			if _, err := zw.Write(line); err != nil {
				return err
			}
			_, err := zw.Write(newline)
			return err
		})
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		added, err := appendEvents(zw, day, &last, next)
		if err != nil {
			return err
		}
		if added == 0 {
			return errSkip
		}
		return zw.Close()
	})
	return last, err
}

// appendEvents writes the events next yields after last, one line each.
func appendEvents(w io.Writer, day time.Time, last *store.Head, next Source) (int, error) {
	added := 0
	end := day.Add(24 * time.Hour)
	for {
		batch, err := next()
		if err != nil || len(batch) == 0 {
			return added, err
		}
		for _, e := range batch {
			if e.Seq <= last.Seq {
				if e.Seq == last.Seq && e.Hash != last.Hash {
					return added, fmt.Errorf("event %d differs from the one archived", e.Seq)
				}
				continue
			}
			if last.Seq != 0 && (e.Seq != last.Seq+1 || e.PrevHash != last.Hash) {
				return added, fmt.Errorf("event %d does not follow the archived event %d", e.Seq, last.Seq)
			}
			if e.Time.Before(day) || !e.Time.Before(end) {
				return added, fmt.Errorf("event %d at %s is not of day %s", e.Seq, e.Time, day.Format(DayLayout))
			}
			line, err := json.Marshal(e)
			if err != nil {
				return added, err
			}
			if _, err := w.Write(append(line, '\n')); err != nil {
				return added, err
			}
			*last = headOf(e)
			added++
		}
	}
}

// ReadDay calls fn with each event of the tenant's file for day, in file
// order, and the line exactly as written. A missing file is an error
// wrapping os.ErrNotExist; a damaged one wraps ErrCorrupt.
func (a *Archive) ReadDay(tenant string, day time.Time, fn func(line []byte, e store.Event) error) error {
	dir, err := a.subdir(tenant, eventsDir, false)
	if err != nil {
		return err
	}
	return scanDay(filepath.Join(dir, DayName(day)), fn)
}

// scanDay reads one day file line by line.
func scanDay(path string, fn func(line []byte, e store.Event) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, filepath.Base(path), err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		var e store.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return fmt.Errorf("%w: %s line %d: %v", ErrCorrupt, filepath.Base(path), n, err)
		}
		if err := fn(sc.Bytes(), e); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %s after line %d: %v", ErrCorrupt, filepath.Base(path), n, err)
	}
	return nil
}

var newline = []byte{'\n'}

func headOf(e store.Event) store.Head { return store.Head{Seq: e.Seq, Hash: e.Hash, Time: e.Time} }
