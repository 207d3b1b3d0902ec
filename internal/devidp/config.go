package devidp

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// usernamePattern keeps usernames usable as subjects: the library joins
// token id and subject with ':' inside access tokens.
var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// normalized checks c and fills in the defaults.
func (c Config) normalized() (Config, error) {
	if err := validateIssuer(c.Issuer); err != nil {
		return Config{}, err
	}
	if err := validateClients(c.Clients); err != nil {
		return Config{}, err
	}
	if c.Users == nil {
		c.Users = DefaultUsers()
	}
	if err := validateUsers(c.Users); err != nil {
		return Config{}, err
	}
	c.Clients = slices.Clone(c.Clients)
	c.Users = cloneUsers(c.Users)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// validateIssuer accepts an absolute http or https URL without query,
// fragment or trailing slash, since relying parties compare it byte for
// byte with the iss claim.
func validateIssuer(issuer string) error {
	if issuer == "" {
		return errors.New("devidp: issuer is required")
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("devidp: issuer %q is not an absolute http or https URL", issuer)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("devidp: issuer %q must not have user info, a query or a fragment", issuer)
	}
	if strings.HasSuffix(issuer, "/") {
		return fmt.Errorf("devidp: issuer %q must not end with '/'", issuer)
	}
	return nil
}

// validateClients requires at least one client, unique ids and absolute
// redirect URIs.
func validateClients(clients []Client) error {
	if len(clients) == 0 {
		return errors.New("devidp: at least one client is required")
	}
	seen := make(map[string]bool, len(clients))
	for _, c := range clients {
		if err := validateClient(c); err != nil {
			return err
		}
		if seen[c.ID] {
			return fmt.Errorf("devidp: client %q is listed twice", c.ID)
		}
		seen[c.ID] = true
	}
	return nil
}

// validateClient checks one client's id and URIs.
func validateClient(c Client) error {
	if c.ID == "" || strings.ContainsAny(c.ID, ": \t\r\n") {
		return fmt.Errorf("devidp: client id %q must be non-empty without ':' or spaces", c.ID)
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("devidp: client %q needs at least one redirect URI", c.ID)
	}
	for _, uri := range slices.Concat(c.RedirectURIs, c.PostLogoutRedirectURIs) {
		if err := validateRedirectURI(uri); err != nil {
			return fmt.Errorf("devidp: client %q: %v", c.ID, err)
		}
	}
	return nil
}

// validateRedirectURI accepts absolute http or https URLs without fragment.
func validateRedirectURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("redirect URI %q is not an absolute http or https URL", uri)
	}
	if u.Fragment != "" {
		return fmt.Errorf("redirect URI %q must not have a fragment", uri)
	}
	return nil
}

// validateUsers requires at least one user and unique, well-formed
// usernames.
func validateUsers(users []User) error {
	if len(users) == 0 {
		return errors.New("devidp: at least one user is required (nil selects the default users)")
	}
	seen := make(map[string]bool, len(users))
	for _, u := range users {
		if !usernamePattern.MatchString(u.Username) {
			return fmt.Errorf("devidp: username %q: use 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit", u.Username)
		}
		if seen[u.Username] {
			return fmt.Errorf("devidp: user %q is listed twice", u.Username)
		}
		seen[u.Username] = true
	}
	return nil
}
