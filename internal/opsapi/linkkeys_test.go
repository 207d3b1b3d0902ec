package opsapi_test

import (
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// linkRotationAnswer is the answer of POST /lockbox/keys/links/rotate.
type linkRotationAnswer struct {
	KID                   string    `json:"kid"`
	PreviousAcceptedUntil time.Time `json:"previous_accepted_until"`
}

func TestRotateLinkKey(t *testing.T) {
	e := linksEnv(t, opsapi.LinkSettings{PublicURL: publicURL("https://app.example.com")})
	var before linkAnswer
	e.call(http.MethodPost, "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1"}`, http.StatusCreated, &before)

	var rot linkRotationAnswer
	e.call(http.MethodPost, "/lockbox/keys/links/rotate", "", http.StatusOK, &rot)
	if rot.KID == "" || rot.KID == testkit.LinkKID(t, before.URL) || !rot.PreviousAcceptedUntil.Equal(e.clock.Now().Add(adminlink.RetiredKeyKept)) {
		t.Fatalf("rotation %+v; the old key was %q", rot, testkit.LinkKID(t, before.URL))
	}
	var after linkAnswer
	e.call(http.MethodPost, "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1"}`, http.StatusCreated, &after)
	if testkit.LinkKID(t, after.URL) != rot.KID {
		t.Fatalf("a new link is signed with %q, want %q", testkit.LinkKID(t, after.URL), rot.KID)
	}
	e.verifyLink(before.URL) // the old key's link still opens
	e.verifyLink(after.URL)

	e.callError(http.MethodPost, "/lockbox/keys/links/rotate?x=1", "", http.StatusBadRequest, "invalid_query")
	e.callError(http.MethodPost, "/lockbox/keys/links/rotate", `{"links":true}`, http.StatusBadRequest, "invalid_json")
}

func TestRotateLinkKeyFromAFile(t *testing.T) {
	e, _ := newBoltEnv(t)
	l := adminlink.NewLinks(e.store, e.clock.Now)
	path := filepath.Join(t.TempDir(), "links.key")
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := l.UseKeyFile(path); err != nil {
		t.Fatal(err)
	}
	e.serve(opsapi.WithAdmins(admins.New(e.store, e.clock.Now)), opsapi.WithLinks(l, opsapi.LinkSettings{}))
	msg, _ := e.callError(http.MethodPost, "/lockbox/keys/links/rotate", "", http.StatusConflict, "fixed_link_key")
	if !strings.Contains(msg, "link_key_file") {
		t.Fatalf("message %q", msg)
	}
}

func TestRotateLinkKeyWithoutLinks(t *testing.T) {
	e, _ := newBoltEnv(t)
	e.callError(http.MethodPost, "/lockbox/keys/links/rotate", "", http.StatusServiceUnavailable, "links_unavailable")
}
