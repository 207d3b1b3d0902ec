package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/lockbox-gw/lockbox/internal/export"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// ExportOptions are the flags of `lockbox audit export`.
type ExportOptions struct {
	// Out is the file to append to, or "-" for stdout.
	Out string
	// Cursor is the cursor file; default Out + ".cursor".
	Cursor string
	// Follow keeps exporting every Interval until ctx ends.
	Follow   bool
	Interval time.Duration
}

// Export streams every tenant's audit events as JSON lines.
func (c *Client) Export(ctx context.Context, o ExportOptions) error {
	if o.Out == "" {
		return Usagef("--out is required: a file, or - for stdout")
	}
	if o.Cursor == "" {
		if o.Out == "-" {
			return Usagef("--cursor is required with --out -")
		}
		o.Cursor = o.Out + ".cursor"
	}
	x, err := export.Open(exportSource{c}, o.Out, o.Cursor, c.Out)
	if err != nil {
		return err
	}
	defer x.Close()
	for {
		if _, err := x.Once(ctx); err != nil {
			return err
		}
		if !o.Follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Interval):
		}
	}
}

// exportSource reads tenants and events through the admin API.
type exportSource struct{ c *Client }

func (s exportSource) Tenants(context.Context) ([]string, error) {
	var out struct {
		Tenants []string `json:"tenants"`
	}
	_, err := s.c.get(apiBase+"/tenants", &out)
	return out.Tenants, err
}

func (s exportSource) Events(ctx context.Context, tenant string, q store.EventQuery) ([]store.Event, error) {
	base, err := tenantPath(tenant, "audit")
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %w", tenant, err)
	}
	return apiSource{c: s.c, base: base}.Events(ctx, tenant, q)
}
