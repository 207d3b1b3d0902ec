package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

const (
	// agentUser signs in at the development provider; its group
	// customer-ops maps to the operations role.
	agentUser  = "bob"
	agentEmail = "bob@support.example"
	// tenantID is the tenant that grants access and that the agent enters.
	tenantID = "acme"
	// agentChecks is how many agent requests checkAgentPath makes.
	agentChecks = 1
)

// checkAgentPath makes sure the agent scenario measures the real path: a
// request with the session cookie reaches the app as 200 with the
// identity headers and a token, and without Lockbox's cookie. It makes
// agentChecks agent requests, each of which leaves an audit event.
//
// It returns the identity headers the app received.
func checkAgentPath(ctx context.Context, site, cookie string) (map[string]string, error) {
	id, err := fetchIdentity(ctx, site, cookie, "")
	if err != nil {
		return nil, fmt.Errorf("agent request: %v", err)
	}
	h := id.Headers
	switch {
	case h["X-Lockbox-Tenant"] != tenantID:
		return nil, fmt.Errorf("agent request reached the app with tenant %q, want %q", h["X-Lockbox-Tenant"], tenantID)
	case h["X-Lockbox-Agent"] != agentEmail:
		return nil, fmt.Errorf("agent request reached the app with agent %q, want %q", h["X-Lockbox-Agent"], agentEmail)
	case h["X-Lockbox-Token"] == "" || h["X-Lockbox-Session"] == "" || h["X-Lockbox-Grant"] == "":
		return nil, fmt.Errorf("agent request reached the app without token, session or grant headers (got %s)", headerNames(h))
	case id.LockboxCookie:
		return nil, fmt.Errorf("the agent's session cookie reached the app")
	}
	return h, nil
}

// checkOrdinaryPath makes sure ordinary traffic reaches the app with no
// identity headers, even when the client forges one.
func checkOrdinaryPath(ctx context.Context, site string) error {
	id, err := fetchIdentity(ctx, site, "", tenantID)
	if err != nil {
		return fmt.Errorf("ordinary request: %v", err)
	}
	if len(id.Headers) > 0 {
		return fmt.Errorf("ordinary request reached the app with identity headers %s", headerNames(id.Headers))
	}
	return nil
}

// fetchIdentity asks the upstream, through site, what identity it
// received; cookie and a forged tenant header are sent when not empty.
func fetchIdentity(ctx context.Context, site, cookie, forgedTenant string) (identity, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, site+identityPath, nil)
	if err != nil {
		return identity{}, err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if forgedTenant != "" {
		req.Header.Set("X-Lockbox-Tenant", forgedTenant)
	}
	client := &http.Client{Timeout: requestTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return identity{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	if err != nil {
		return identity{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return identity{}, fmt.Errorf("status %d, want 200", resp.StatusCode)
	}
	var id identity
	if err := json.Unmarshal(body, &id); err != nil {
		return identity{}, fmt.Errorf("the answer is not the upstream's: %v", err)
	}
	return id, nil
}

// headerNames lists the names of h, for messages (values may be secret).
func headerNames(h map[string]string) string {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	if len(names) == 0 {
		return "none"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
