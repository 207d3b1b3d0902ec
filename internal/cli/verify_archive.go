package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/auditverify"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// ArchiveVerifyOptions are the flags of `lockbox audit verify` with an
// archive or checkpoints.
type ArchiveVerifyOptions struct {
	Tenant string
	// Archive is the archive directory to walk before the store.
	Archive string
	// Checkpoints are files of checkpoints, one compact JWS per line.
	Checkpoints []string
	// JWKS are key set files the tenant kept, besides the gateway's.
	JWKS []string
	JSON bool
}

// ChainProblemsError reports a chain that failed verification.
type ChainProblemsError struct {
	Report auditverify.Report
}

// Error names the tenant and the first problem.
func (e *ChainProblemsError) Error() string {
	r := e.Report
	return fmt.Sprintf("audit chain of tenant %s does not hold: %d problem(s), first: %s", r.Tenant, len(r.Problems), r.Problems[0])
}

// VerifyArchive walks the archive (if given) and the store through the
// admin API, checks the checkpoints, prints the result and returns a
// *ChainProblemsError when something does not hold.
func (c *Client) VerifyArchive(ctx context.Context, o ArchiveVerifyOptions) error {
	base, err := tenantPath(o.Tenant, "audit")
	if err != nil {
		return err
	}
	opts := auditverify.Options{Tenant: o.Tenant}
	if o.Archive != "" {
		if fi, err := os.Stat(o.Archive); err != nil || !fi.IsDir() {
			return Usagef("--archive %s is not a directory", o.Archive)
		}
		opts.Archive = archive.New(o.Archive)
	}
	if opts.Checkpoints, err = readCheckpoints(o.Checkpoints); err != nil {
		return err
	}
	if len(opts.Checkpoints) > 0 {
		if opts.JWKS, err = c.keySets(o.JWKS); err != nil {
			return err
		}
	}
	r, err := auditverify.Verify(ctx, apiSource{c: c, base: base}, opts)
	if err != nil {
		return err
	}
	if err := c.printReport(r, o.JSON); err != nil {
		return err
	}
	if !r.OK {
		return &ChainProblemsError{Report: r}
	}
	return nil
}

// readCheckpoints reads each file's lines as checkpoints, named
// file:line.
func readCheckpoints(files []string) ([]auditverify.Checkpoint, error) {
	var out []auditverify.Checkpoint
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, Usagef("--checkpoint: %v", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for n := 1; sc.Scan(); n++ {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				out = append(out, auditverify.Checkpoint{Name: fmt.Sprintf("%s:%d", f, n), JWS: line})
			}
		}
		if err := sc.Err(); err != nil {
			return nil, Usagef("--checkpoint %s: %v", f, err)
		}
	}
	return out, nil
}

// keySets returns the gateway's published keys, then the given files.
func (c *Client) keySets(files []string) ([][]byte, error) {
	var published json.RawMessage
	if _, err := c.get(apiBase+"/keys/jwks", &published); err != nil {
		return nil, err
	}
	sets := [][]byte{published}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, Usagef("--jwks: %v", err)
		}
		sets = append(sets, raw)
	}
	return sets, nil
}

func (c *Client) printReport(r auditverify.Report, asJSON bool) error {
	if asJSON {
		raw, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return c.printJSON(raw)
	}
	if !r.OK {
		for _, p := range r.Problems {
			if _, err := fmt.Fprintln(c.Out, p); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := fmt.Fprintf(c.Out, "Audit chain of tenant %s holds: %d archived and %d stored events from seq %d to %d; %d checkpoint(s) match.\n",
		r.Tenant, r.Archived, r.Stored, r.From, r.Head.Seq, r.Checkpoints)
	return err
}

// apiSource reads the kept chain through the admin API.
type apiSource struct {
	c    *Client
	base string
}

func (s apiSource) Events(_ context.Context, _ string, q store.EventQuery) ([]store.Event, error) {
	v := url.Values{"after": {fmt.Sprint(q.AfterSeq)}, "limit": {fmt.Sprint(q.Size())}}
	var page httpjson.EventPage
	_, err := s.c.get(s.base+"?"+v.Encode(), &page)
	return page.Events, err
}

func (s apiSource) AuditHead(context.Context, string) (store.Head, error) {
	var h store.Head
	_, err := s.c.get(s.base+"/head", &h)
	return h, err
}
