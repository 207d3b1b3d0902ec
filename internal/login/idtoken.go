package login

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// maxIssuedAtSkew is how far in the future an ID token's iat may be, for
// clocks that disagree a little.
const maxIssuedAtSkew = time.Minute

// tokenClaims are the registered claims checked beyond go-oidc.
type tokenClaims struct {
	Audience audience        `json:"aud"`
	AZP      *string         `json:"azp"`
	IssuedAt json.RawMessage `json:"iat"`
}

// audience is aud: one string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return errors.New("aud is not a string or a list of strings")
	}
	*a = list
	return nil
}

// checkIDToken applies the checks of OIDC Core 3.1.3.7 that go-oidc
// leaves to the relying party: every audience is the client id or a
// trusted one, azp is the client id when present and is required with
// several audiences, and iat is present and not in the future.
func (c *Config) checkIDToken(payload []byte) error {
	var t tokenClaims
	if err := json.Unmarshal(payload, &t); err != nil {
		return err
	}
	for _, a := range t.Audience {
		if a != c.ClientID && !slices.Contains(c.TrustedAudiences, a) {
			return fmt.Errorf("audience %q is neither the client id nor a trusted audience", clip(a, 100))
		}
	}
	switch {
	case t.AZP != nil && *t.AZP != c.ClientID:
		return fmt.Errorf("azp %q is not the client id", clip(*t.AZP, 100))
	case t.AZP == nil && len(t.Audience) > 1:
		return errors.New("several audiences and no azp")
	}
	return c.checkIssuedAt(t.IssuedAt)
}

// checkIssuedAt requires iat to be a number of seconds not later than now
// plus maxIssuedAtSkew.
func (c *Config) checkIssuedAt(raw json.RawMessage) error {
	var secs *float64
	if err := json.Unmarshal(raw, &secs); len(raw) == 0 || err != nil || secs == nil {
		return errors.New("iat is missing or not a number")
	}
	// Compared as floats: a huge iat must not wrap around into the past.
	if limit := c.Now().Add(maxIssuedAtSkew); *secs > float64(limit.Unix()) {
		return fmt.Errorf("iat %.0f is in the future (now %d)", *secs, c.Now().Unix())
	}
	return nil
}
