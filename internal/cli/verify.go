package cli

import (
	"fmt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// VerifyOptions are the flags of `lockbox audit verify`.
type VerifyOptions struct {
	Tenant string
	JSON   bool
}

// BrokenChainError reports an audit chain that failed verification.
type BrokenChainError struct {
	Verification store.Verification
}

// Error names the tenant, the first broken seq and what is wrong there.
func (e *BrokenChainError) Error() string {
	v := e.Verification
	msg := fmt.Sprintf("audit chain of tenant %s is broken at seq %d", v.Tenant, v.BrokenAt)
	if v.Problem != "" {
		msg += ": " + v.Problem
	}
	return msg
}

// VerifyAudit checks the tenant's audit chain and returns a
// *BrokenChainError when it does not hold, after printing the result.
func (c *Client) VerifyAudit(o VerifyOptions) error {
	path, err := tenantPath(o.Tenant, "audit", "verify")
	if err != nil {
		return err
	}
	var v store.Verification
	raw, err := c.get(path, &v)
	if err != nil {
		return err
	}
	switch {
	case o.JSON:
		err = c.printJSON(raw)
	case v.OK:
		err = c.intact(o.Tenant, v)
	}
	if err != nil {
		return err
	}
	if !v.OK {
		return &BrokenChainError{Verification: v}
	}
	return nil
}

func (c *Client) intact(tenantID string, v store.Verification) error {
	if v.Events == 0 {
		_, err := fmt.Fprintf(c.Out, "Tenant %s has no audit events yet: nothing to verify.\n", tenantID)
		return err
	}
	_, err := fmt.Fprintf(c.Out, "Audit chain of tenant %s is intact: %d events, head %s.\n", tenantID, v.Events, cell(v.Head, maxDetails))
	return err
}
