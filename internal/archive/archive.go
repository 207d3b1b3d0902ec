// Package archive keeps audit events moved out of the store, as files an
// operator's tools can read: one gzipped JSON-lines file per tenant per
// day, each line exactly an event as the store kept it, hashes intact.
//
// # Layout (a contract: the README documents it)
//
//	<dir>/<tenant>/events/<YYYY-MM-DD>.jsonl.gz    the day's events (UTC), in seq order
//	<dir>/<tenant>/checkpoints/<seq>.jws           signed checkpoints, seq zero-padded to 20 digits
//
// <tenant> is the tenant id, path-escaped (url.PathEscape). A day file is
// written only once its day is over, to a temporary name in the same
// directory (".tmp-" prefix, which readers skip), fsynced, then renamed,
// so a reader never sees a partial file. Writing a day again keeps the
// lines already there and adds only later seqs, so a move retried after a
// crash neither repeats nor drops an event.
package archive

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DayLayout is the date format of day file names.
const DayLayout = "2006-01-02"

// Names inside a tenant's directory.
const (
	eventsDir      = "events"
	checkpointsDir = "checkpoints"
	dayExt         = ".jsonl.gz"
	tempPrefix     = ".tmp-"
)

// Archive is one archive directory. It is safe for concurrent use by
// movers of different tenants; one tenant's mover runs at a time (the
// store's lease), and even two at once only ever rename whole files.
type Archive struct{ dir string }

// New returns the archive in dir, which must exist when written to: a
// missing directory (an unmounted volume) is an error, not created.
func New(dir string) *Archive { return &Archive{dir: dir} }

// Dir returns the archive's directory.
func (a *Archive) Dir() string { return a.dir }

// Check reports whether the archive can be written: the directory
// exists and a file can be created in it.
func (a *Archive) Check() error {
	fi, err := os.Stat(a.dir)
	switch {
	case err != nil:
		return fmt.Errorf("audit archive: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("audit archive %s is not a directory", a.dir)
	}
	f, err := os.CreateTemp(a.dir, tempPrefix+"check-*")
	if err != nil {
		return fmt.Errorf("audit archive is not writable: %w", err)
	}
	name := f.Name()
	return errors.Join(f.Close(), os.Remove(name))
}

// tenantDir returns the tenant's directory.
func (a *Archive) tenantDir(tenant string) (string, error) {
	esc := url.PathEscape(tenant)
	if tenant == "" || esc == "." || esc == ".." {
		return "", fmt.Errorf("audit archive: invalid tenant %q", tenant)
	}
	return filepath.Join(a.dir, esc), nil
}

// subdir returns, and with create makes, a directory of the tenant's.
// The archive directory itself must exist.
func (a *Archive) subdir(tenant, name string, create bool) (string, error) {
	td, err := a.tenantDir(tenant)
	if err != nil {
		return "", err
	}
	d := filepath.Join(td, name)
	if !create {
		return d, nil
	}
	if _, err := os.Stat(a.dir); err != nil {
		return "", fmt.Errorf("audit archive: %w", err)
	}
	for _, p := range []string{td, d} {
		if err := os.Mkdir(p, 0o750); err != nil && !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("audit archive: %w", err)
		}
	}
	return d, nil
}

// DayName is the file name of day's events.
func DayName(day time.Time) string { return day.UTC().Format(DayLayout) + dayExt }

// Days lists the days the tenant has a file for, oldest first.
func (a *Archive) Days(tenant string) ([]time.Time, error) {
	d, err := a.subdir(tenant, eventsDir, false)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(d)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit archive: %w", err)
	}
	var days []time.Time
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, tempPrefix) || !strings.HasSuffix(name, dayExt) {
			continue
		}
		day, err := time.Parse(DayLayout, strings.TrimSuffix(name, dayExt))
		if err != nil {
			return nil, fmt.Errorf("audit archive: unexpected file %s in %s", name, d)
		}
		days = append(days, day)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	return days, nil
}

// writeFile writes a file crash-safely: fill writes a temporary file in
// dir, which is fsynced, renamed to name and the rename made durable.
// fill returning errSkip leaves everything as it was.
func writeFile(dir, name string, fill func(f *os.File) error) error {
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("audit archive: %w", err)
	}
	tmp := f.Name()
	err = fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		_ = os.Remove(tmp)
		if errors.Is(err, errSkip) {
			return nil
		}
		return fmt.Errorf("audit archive: write %s: %w", name, err)
	}
	return syncDir(dir)
}

// errSkip tells writeFile that nothing needs writing.
var errSkip = errors.New("nothing to write")

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("audit archive: %w", err)
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}
