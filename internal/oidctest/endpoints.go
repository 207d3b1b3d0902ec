package oidctest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

func (p *Provider) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	doc := map[string]any{
		"issuer":                                p.Issuer(),
		"authorization_endpoint":                p.Issuer() + "/authorize",
		"token_endpoint":                        p.Issuer() + "/token",
		"jwks_uri":                              p.Issuer() + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{string(jose.ES256)},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	}
	if p.cfg.IssParameterSupported {
		doc["authorization_response_iss_parameter_supported"] = true
	}
	writeJSON(w, http.StatusOK, doc)
}

// serveAuthorize signs the user in at once and sends the browser back to
// the client with a code, the state and, if the behaviour says so, iss.
func (p *Provider) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.cfg.ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	target, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !target.IsAbs() {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.codes[code] = grant{redirectURI: q.Get("redirect_uri"), nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
	b := p.b
	p.mu.Unlock()
	back := target.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	if b.SendIss {
		iss := b.Iss
		if iss == "" {
			iss = p.Issuer()
		}
		back.Set("iss", iss)
	}
	target.RawQuery = back.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// serveToken redeems a code once, for the client that proves its secret
// and PKCE verifier at the redirect URI the code was issued for.
func (p *Provider) serveToken(w http.ResponseWriter, r *http.Request) {
	p.exchanges.Add(1)
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request")
		return
	}
	if b := p.behaviour(); b.TokenError != "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error": b.TokenError, "error_description": "the code " + r.PostForm.Get("code") + " is not valid",
		})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.cfg.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.cfg.ClientSecret)) != 1 {
		oauthError(w, "invalid_client")
		return
	}
	p.mu.Lock()
	g, ok := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	b := p.b
	p.mu.Unlock()
	if !ok || g.redirectURI != r.PostForm.Get("redirect_uri") ||
		oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != g.challenge {
		oauthError(w, "invalid_grant")
		return
	}
	raw, err := p.sign(p.claims(g, b))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": raw,
	})
}

// DefaultClaims are the ID token's claims before Behaviour.Claims edits
// them, for a code issued with nonce.
func (p *Provider) DefaultClaims(nonce string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": p.Issuer(), "sub": "agent-7", "aud": p.cfg.ClientID,
		"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "nonce": nonce,
		"email": "agent7@support.example", "name": "Agent Seven", "groups": []string{"support"},
	}
}

func (p *Provider) claims(g grant, b Behaviour) map[string]any {
	c := p.DefaultClaims(g.nonce)
	if b.Claims != nil {
		b.Claims(c)
	}
	return c
}

// sign makes a compact ES256 JWT of claims with the provider's key.
func (p *Provider) sign(claims map[string]any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", keyID)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: p.key}, opts)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

func oauthError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
