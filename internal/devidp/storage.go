package devidp

import (
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// requestLifetime bounds the time from the authorize call to the code
// exchange, login included.
const requestLifetime = 10 * time.Minute

var (
	errUnknownRequest = errors.New("devidp: auth request unknown or expired")
	errRequestDone    = errors.New("devidp: auth request already completed")
	errUnknownClient  = errors.New("devidp: unknown client")
	errUnsupported    = errors.New("devidp: not supported by the development provider")
)

// storage is the in-memory op.Storage: clients and users are fixed at
// construction, auth requests and access tokens live in maps under one
// mutex.
type storage struct {
	now     func() time.Time
	key     *signingKey
	clients map[string]*client
	users   []User

	mu       sync.Mutex
	requests map[string]*authRequest // by auth request id
	codes    map[string]string       // code to auth request id
	tokens   map[string]*accessToken // by token id
}

// newStorage returns storage for a normalized config.
func newStorage(cfg Config, key *signingKey) *storage {
	s := &storage{
		now:      cfg.Now,
		key:      key,
		clients:  make(map[string]*client, len(cfg.Clients)),
		users:    cfg.Users,
		requests: make(map[string]*authRequest),
		codes:    make(map[string]string),
		tokens:   make(map[string]*accessToken),
	}
	for _, c := range cfg.Clients {
		s.clients[c.ID] = &client{cfg: c, loginURL: cfg.Issuer + loginPath}
	}
	return s
}

// user returns the user with the given username.
func (s *storage) user(username string) (User, bool) {
	for _, u := range s.users {
		if u.Username == username {
			return u, true
		}
	}
	return User{}, false
}

// CreateAuthRequest stores a validated authorization request. PKCE with
// S256 is required of every client, so a relying party that forgets it
// fails here rather than in production. prompt=none always fails with
// login_required, as there is no login session to reuse.
func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE with code_challenge_method S256 is required")
	}
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired().WithDescription("the provider keeps no login session; the user must log in")
	}
	now := s.now()
	ar := &authRequest{id: rand.Text(), params: *req, expires: now.Add(requestLifetime)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.requests[ar.id] = ar
	return ar.snapshot(), nil
}

// AuthRequestByID returns an unexpired auth request.
func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, err := s.liveRequest(id)
	if err != nil {
		return nil, err
	}
	return ar.snapshot(), nil
}

// AuthRequestByCode returns the auth request a code was issued for. The
// code is spent only when tokens are created (see claimRequest), so a
// request the library then refuses, such as one with the wrong client
// secret, leaves it for the legitimate retry.
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		return nil, errUnknownRequest
	}
	ar, err := s.liveRequest(id)
	if err != nil {
		return nil, err
	}
	return ar.snapshot(), nil
}

// SaveAuthCode records the code issued for a completed auth request; each
// request gets exactly one code.
func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, err := s.liveRequest(id)
	if err != nil {
		return err
	}
	if !ar.Done() {
		return oidc.ErrInteractionRequired().WithDescription("the user has not logged in")
	}
	if ar.code != "" {
		return oidc.ErrInvalidRequest().WithDescription("a code was already issued for this sign-in")
	}
	ar.code = code
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest forgets an auth request and its code.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteRequest(id)
	return nil
}

// claimRequest deletes a live auth request and its code, so that of two
// exchanges of one code that both passed validation only the first gets
// tokens. The caller holds s.mu.
func (s *storage) claimRequest(id string) error {
	if _, err := s.liveRequest(id); err != nil {
		return oidc.ErrInvalidGrant().WithDescription("code already used or expired")
	}
	s.deleteRequest(id)
	return nil
}

// pendingRequest returns an unexpired auth request no user has logged in
// to yet.
func (s *storage) pendingRequest(id string) (*authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, err := s.liveRequest(id)
	if err != nil {
		return nil, err
	}
	if ar.Done() {
		return nil, errRequestDone
	}
	return ar.snapshot(), nil
}

// completeRequest records that username logged in to auth request id.
func (s *storage) completeRequest(id, username string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, err := s.liveRequest(id)
	if err != nil {
		return err
	}
	if ar.Done() {
		return errRequestDone
	}
	ar.subject = username
	ar.authTime = s.now()
	return nil
}

// liveRequest returns the stored auth request id unless it is missing or
// expired; an expired one is deleted. The caller holds s.mu.
func (s *storage) liveRequest(id string) (*authRequest, error) {
	ar, ok := s.requests[id]
	if !ok {
		return nil, errUnknownRequest
	}
	if !s.now().Before(ar.expires) {
		s.deleteRequest(id)
		return nil, errUnknownRequest
	}
	return ar, nil
}

// deleteRequest removes an auth request and its code. The caller holds
// s.mu.
func (s *storage) deleteRequest(id string) {
	if ar, ok := s.requests[id]; ok {
		delete(s.codes, ar.code)
		delete(s.requests, id)
	}
}

// sweep drops expired auth requests and access tokens, so abandoned logins
// do not accumulate. The caller holds s.mu.
func (s *storage) sweep(now time.Time) {
	for id, ar := range s.requests {
		if !now.Before(ar.expires) {
			s.deleteRequest(id)
		}
	}
	for id, t := range s.tokens {
		if !now.Before(t.expires) {
			delete(s.tokens, id)
		}
	}
}

// GetKeyByIDAndClientID is for private_key_jwt client authentication,
// which no client here uses.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errUnsupported
}

// ValidateJWTProfileScopes is for the JWT profile grant, which no client
// here uses.
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errUnsupported
}

// Health reports the storage as always healthy: it is memory.
func (s *storage) Health(context.Context) error { return nil }

var _ op.Storage = (*storage)(nil)
