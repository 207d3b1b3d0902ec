package login

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// maxCodeLen bounds the authorization code taken from the query.
const maxCodeLen = 4096

// idpErrorCode is the form of an OAuth error code worth repeating.
var idpErrorCode = regexp.MustCompile(`^[a-z_]{1,64}$`)

// Result is a finished login: who signed in, the new session, and where
// to send the browser.
type Result struct {
	Identity
	// Session is the agent session created for the login; its cookie is
	// already set.
	Session *AgentSession `json:"session"`
	// ReturnTo is the safe same-origin path to redirect to.
	ReturnTo string `json:"return_to"`
}

// Finish completes a login on the callback at redirectURL, the same URL
// Begin was given on this site. Before the code is exchanged, the state is
// taken from the store (so it works once, across instances) and checked
// against this browser's binding cookie and this site's redirect URL, and
// the response's iss (RFC 9207) against the issuer; then the ID token is
// verified (signature, issuer, audiences, azp, iat, expiry), the nonce
// compared, the claims type-checked and the groups mapped to roles. On
// success a fresh agent session replaces any the browser had, and its
// cookie is set. The binding cookie is cleared whatever the outcome.
func (s *Service) Finish(ctx context.Context, w http.ResponseWriter, r *http.Request, redirectURL string) (Result, error) {
	mode := websession.ModeOf(r)
	if mode == websession.Refused {
		return Result{}, insecure()
	}
	q := r.URL.Query()
	rec, err := s.takeLogin(ctx, w, r, mode, q.Get("state"))
	if err != nil {
		return Result{}, err
	}
	if rec.RedirectURL != redirectURL {
		return Result{}, refused(problem.Forbidden, CodeWrongSite,
			"this sign-in was started on another site; sign in again here",
			fmt.Errorf("login started for callback %s, finished at %s", rec.RedirectURL, redirectURL))
	}
	if err := s.checkResponseIssuer(ctx, q); err != nil {
		return Result{}, err
	}
	if err := idpError(q); err != nil {
		return Result{}, err
	}
	id, err := s.authenticate(ctx, rec, q.Get("code"))
	if err != nil {
		return Result{}, err
	}
	sess, err := s.sessions.Create(ctx, w, r, id)
	if err != nil {
		return Result{}, err
	}
	return Result{Identity: id, Session: sess, ReturnTo: rec.ReturnTo}, nil
}

// takeLogin clears the binding cookie, takes the login record of state
// and checks that this browser started it.
func (s *Service) takeLogin(ctx context.Context, w http.ResponseWriter, r *http.Request, mode websession.Mode, state string) (loginRecord, error) {
	_, bindingName := names(mode)
	websession.SetCookie(w, mode, bindingName, "", -1)
	if !websession.IsToken(state) {
		return loginRecord{}, stateInvalid(problem.Invalid, errors.New("state missing or malformed"))
	}
	raw, err := s.store.TakeRecord(ctx, kindLogin, websession.Hash(state))
	if errors.Is(err, store.ErrNotFound) {
		// Used already (a replay), expired, or never issued: all refused.
		return loginRecord{}, stateInvalid(problem.Forbidden, errors.New("state unknown or already used"))
	}
	if err != nil {
		return loginRecord{}, problem.Store(err)
	}
	var rec loginRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return loginRecord{}, stateInvalid(problem.Forbidden, err)
	}
	// The store's TTL is garbage collection; the age is decided here.
	if s.cfg.Now().After(rec.Created.Add(loginTTL)) {
		return loginRecord{}, stateInvalid(problem.Forbidden, errors.New("login expired"))
	}
	binding, ok := websession.Value(r, bindingName)
	if !ok || !websession.Equal(websession.Hash(binding), rec.Binding) {
		return loginRecord{}, refused(problem.Forbidden, CodeBrowserMismatch,
			"this sign-in was started in another browser or its cookie is missing; sign in again from this browser", nil)
	}
	return rec, nil
}

// idpError turns an error= callback into a plain refusal.
func idpError(q url.Values) error {
	code := q.Get("error")
	if code == "" {
		return nil
	}
	if !idpErrorCode.MatchString(code) {
		code = "unknown_error"
	}
	cause := fmt.Errorf("provider error %s: %s", code, strconv.Quote(clip(q.Get("error_description"), 200)))
	msg := "the sign-in provider refused the sign-in (" + code + "); start again"
	if code == "access_denied" {
		msg = "the sign-in was cancelled or refused at the sign-in provider (access_denied); start again"
	}
	return refused(problem.Forbidden, CodeIdPRefused, msg, cause)
}

// authenticate exchanges the code, verifies the ID token and maps the
// agent's groups to roles.
func (s *Service) authenticate(ctx context.Context, rec loginRecord, code string) (Identity, error) {
	if code == "" || len(code) > maxCodeLen {
		return Identity{}, problem.New(problem.Invalid, CodeBadRequest, "the sign-in provider sent no usable code; sign in again")
	}
	p, err := s.discovery.get(ctx)
	if err != nil {
		return Identity{}, err
	}
	raw, err := s.exchange(ctx, p, rec, code)
	if err != nil {
		return Identity{}, err
	}
	vctx, cancel := context.WithTimeout(s.discovery.clientContext(ctx), s.cfg.Timeout)
	defer cancel()
	tok, err := p.verifier.Verify(vctx, raw)
	if err != nil {
		return Identity{}, tokenInvalid(err)
	}
	var payload json.RawMessage
	if err := tok.Claims(&payload); err != nil {
		return Identity{}, tokenInvalid(err)
	}
	if err := s.cfg.checkIDToken(payload); err != nil {
		return Identity{}, tokenInvalid(err)
	}
	if !websession.Equal(tok.Nonce, rec.Nonce) {
		return Identity{}, refused(problem.Forbidden, CodeNonceMismatch,
			"the sign-in provider's answer does not belong to this sign-in (nonce mismatch); sign in again", nil)
	}
	c, err := readClaims(tok, s.cfg.RolesClaim)
	if err != nil {
		return Identity{}, err
	}
	id, ok := identityFor(c.agent, c.groups, s.cfg.Roles)
	if !ok {
		return Identity{}, noRole(s.cfg, c.hasRolesClaim)
	}
	return id, nil
}

// exchange redeems the code with the PKCE verifier and returns the raw ID
// token.
func (s *Service) exchange(ctx context.Context, p *idp, rec loginRecord, code string) (string, error) {
	ctx, cancel := context.WithTimeout(s.discovery.clientContext(ctx), s.cfg.Timeout)
	defer cancel()
	oauth := p.oauth
	oauth.RedirectURL = rec.RedirectURL
	tok, err := oauth.Exchange(ctx, code, oauth2.VerifierOption(rec.Verifier))
	if err != nil {
		return "", exchangeError(err, code)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return "", tokenInvalid(errors.New("token response has no id_token"))
	}
	return raw, nil
}

// exchangeError tells a refused code (used, expired, wrong verifier) from
// a provider that cannot be reached. The cause names the provider's
// status, OAuth error and description, with the code blanked out, and
// never the raw response body, which could hold tokens.
func exchangeError(err error, code string) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return idpUnavailable(err)
	}
	desc := re.ErrorDescription
	if code != "" {
		desc = strings.ReplaceAll(desc, code, "[code]")
	}
	cause := fmt.Errorf("token endpoint answered %d, error %s: %s", re.Response.StatusCode,
		strconv.Quote(clip(re.ErrorCode, 64)), strconv.Quote(clip(desc, 200)))
	if re.Response.StatusCode < 500 {
		return refused(problem.Invalid, CodeCodeRejected,
			"the sign-in provider did not accept the sign-in code (it may be used or expired); sign in again", cause)
	}
	return idpUnavailable(cause)
}

// stateInvalid is the error for a state that is unknown, used, expired or
// malformed: kind Invalid for a malformed one, Forbidden for the others.
func stateInvalid(kind problem.Kind, cause error) *problem.Error {
	return refused(kind, CodeStateInvalid,
		"this sign-in is unknown, expired or already used; sign in again", cause)
}

// tokenInvalid is the error for an ID token that fails verification.
func tokenInvalid(cause error) *problem.Error {
	return refused(problem.Forbidden, CodeTokenInvalid,
		"the sign-in provider's ID token failed verification; sign in again", cause)
}

// clip bounds s for a log line.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
