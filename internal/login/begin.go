package login

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// loginTTL is how long a started login may take to come back.
const loginTTL = 10 * time.Minute

// loginRecord is what Begin keeps for Finish, under the hash of the state.
type loginRecord struct {
	Nonce       string    `json:"nonce"`
	Verifier    string    `json:"verifier"`
	ReturnTo    string    `json:"return_to"`
	RedirectURL string    `json:"redirect_url"`
	Binding     string    `json:"binding"` // hex SHA-256 of the binding cookie
	Created     time.Time `json:"created"`
}

// Begin starts a login: it keeps a fresh state, nonce and PKCE verifier
// in the store, binds them to this browser with a short-lived cookie, and
// redirects (302) to the provider. redirectURL is the absolute URL of the
// callback, as registered at the provider; returnTo is where to go after
// login, kept only if SafeReturnTo accepts it. Nothing is written when an
// error is returned.
func (s *Service) Begin(ctx context.Context, w http.ResponseWriter, r *http.Request, redirectURL, returnTo string) error {
	mode := websession.ModeOf(r)
	if mode == websession.Refused {
		return insecure()
	}
	if err := validateRedirectURL(redirectURL); err != nil {
		return err
	}
	p, err := s.discovery.get(ctx)
	if err != nil {
		return err
	}
	state, binding := websession.NewToken(), websession.NewToken()
	rec := loginRecord{
		Nonce:       websession.NewToken(),
		Verifier:    oauth2.GenerateVerifier(),
		ReturnTo:    SafeReturnTo(returnTo, s.cfg.ConsolePath),
		RedirectURL: redirectURL,
		Binding:     websession.Hash(binding),
		Created:     s.cfg.Now(),
	}
	if err := s.saveLogin(ctx, state, rec); err != nil {
		return err
	}
	oauth := p.oauth
	oauth.RedirectURL = redirectURL
	target := oauth.AuthCodeURL(state, oidc.Nonce(rec.Nonce), oauth2.S256ChallengeOption(rec.Verifier))
	_, bindingName := names(mode)
	websession.SetCookie(w, mode, bindingName, binding, loginTTL)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
	return nil
}

// saveLogin stores rec under the hash of state, once.
func (s *Service) saveLogin(ctx context.Context, state string, rec loginRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	ok, err := s.store.CreateRecord(ctx, kindLogin, websession.Hash(state), v, loginTTL)
	if err != nil {
		return problem.Store(err)
	}
	if !ok {
		// 256 random bits collided: the random source is broken.
		return problem.Store(errors.New("login state already exists"))
	}
	return nil
}

// validateRedirectURL requires an absolute http or https URL without a
// fragment, as providers do.
func validateRedirectURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.Fragment != "" || u.User != nil {
		return problem.New(problem.Invalid, CodeBadRequest, "the sign-in callback URL is not an absolute http or https URL")
	}
	return nil
}
