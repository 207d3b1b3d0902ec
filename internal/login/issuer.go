package login

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// checkResponseIssuer applies RFC 9207 to an authorization response: an
// iss parameter must be the configured issuer exactly, and a provider
// whose metadata announces the parameter must send it. This runs before
// the code is exchanged, so a response from another provider (a mix-up)
// never reaches our token endpoint with our verifier.
func (s *Service) checkResponseIssuer(ctx context.Context, q url.Values) error {
	p, err := s.discovery.get(ctx)
	if err != nil {
		return err
	}
	iss, present := q["iss"]
	switch {
	case !present && p.issRequired:
		return issuerMismatch(errors.New("iss parameter missing, though the provider announces authorization_response_iss_parameter_supported"))
	case present && len(iss) != 1:
		return issuerMismatch(fmt.Errorf("%d iss parameters", len(iss)))
	case present && iss[0] != s.cfg.Issuer:
		return issuerMismatch(fmt.Errorf("iss parameter %s is not the issuer %s", strconv.Quote(clip(iss[0], 200)), s.cfg.Issuer))
	}
	return nil
}

// issuerMismatch is the error for an authorization response that does not
// come from the configured provider.
func issuerMismatch(cause error) *problem.Error {
	return refused(problem.Forbidden, CodeIssuerMismatch,
		"the sign-in answer does not come from the configured sign-in provider; sign in again", cause)
}
