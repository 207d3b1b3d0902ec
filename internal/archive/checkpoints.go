package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const checkpointExt = ".jws"

// SaveCheckpoint keeps a signed checkpoint of the tenant's head at seq,
// crash-safely. A checkpoint already kept for seq is left as it is.
func (a *Archive) SaveCheckpoint(tenant string, seq int64, jws string) error {
	dir, err := a.subdir(tenant, checkpointsDir, true)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%020d%s", seq, checkpointExt)
	if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
		return nil
	}
	return writeFile(dir, name, func(f *os.File) error {
		_, err := f.WriteString(jws + "\n")
		return err
	})
}

// Checkpoints returns the tenant's kept checkpoints (compact JWS), by
// seq, oldest first.
func (a *Archive) Checkpoints(tenant string) ([]string, error) {
	dir, err := a.subdir(tenant, checkpointsDir, false)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit archive: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, checkpointExt) && !strings.HasPrefix(n, tempPrefix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, fmt.Errorf("audit archive: %w", err)
		}
		out = append(out, strings.TrimSpace(string(b)))
	}
	return out, nil
}
