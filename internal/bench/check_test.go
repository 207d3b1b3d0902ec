package main

import (
	"net/http"
	"strings"
	"testing"
)

func startTestUpstream(t *testing.T) string {
	t.Helper()
	up, err := startUpstream()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(up.close)
	return "http://" + up.addr
}

func TestUpstreamBody(t *testing.T) {
	site := startTestUpstream(t)
	if !answers(t.Context(), http.DefaultClient, site+"/any/path", bodySize) {
		t.Errorf("upstream does not answer 200 with %d bytes", bodySize)
	}
}

// The checks must fail when no gateway stands between client and app:
// nothing scrubs the forged header, nothing adds an identity.
func TestChecksFailWithoutGateway(t *testing.T) {
	site := startTestUpstream(t)
	err := checkOrdinaryPath(t.Context(), site)
	if err == nil || !strings.Contains(err.Error(), "with identity headers X-Lockbox-Tenant") {
		t.Errorf("checkOrdinaryPath = %v, want the forged header reported", err)
	}
	_, err = checkAgentPath(t.Context(), site, "lockbox=abc")
	if err == nil || !strings.Contains(err.Error(), `with tenant "", want "acme"`) {
		t.Errorf("checkAgentPath = %v, want the missing tenant reported", err)
	}
}

func TestUpstreamSeesLockboxCookie(t *testing.T) {
	site := startTestUpstream(t)
	id, err := fetchIdentity(t.Context(), site, "a=1; lockbox=abc", "")
	if err != nil {
		t.Fatal(err)
	}
	if !id.LockboxCookie || len(id.Headers) != 0 {
		t.Errorf("identity = %+v, want the cookie seen and no headers", id)
	}
}
