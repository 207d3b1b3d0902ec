package testkit

import (
	"net/url"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// LinkKID is the kid in the header of the token a Support Access link
// carries, read without verifying it.
func LinkKID(t testing.TB, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := jwt.NewParser().ParseUnverified(u.Query().Get("token"), jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := tok.Header["kid"].(string)
	return kid
}
