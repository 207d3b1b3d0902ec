package demoapp

import (
	"strings"
	"unicode/utf8"
)

// customer is the fake record the app keeps for a tenant.
type customer struct {
	Company, Contact, Email, Phone, Plan string
}

// customers are the demo tenants' records; other tenants get one made up
// from their id.
var customers = map[string]customer{
	"acme":   {Company: "Acme Corporation", Contact: "Wile E. Coyote", Email: "wile.coyote@acme.example", Phone: "+1 555 010 2368", Plan: "Enterprise"},
	"globex": {Company: "Globex Corporation", Contact: "Hank Scorpio", Email: "hank@globex.example", Phone: "+1 555 014 7731", Plan: "Team"},
}

// customerOf returns the tenant's record, with email and phone masked
// unless pii is true.
func customerOf(tenant string, pii bool) customer {
	c, ok := customers[tenant]
	if !ok {
		c = customer{Company: tenant, Contact: "Pat Example", Email: "pat@" + tenant + ".example", Phone: "+1 555 010 0000", Plan: "Starter"}
	}
	if !pii {
		c.Email, c.Phone = maskEmail(c.Email), maskPhone(c.Phone)
	}
	return c
}

// maskEmail keeps the first character of the local part and the domain:
// "wile.coyote@acme.example" becomes "w•••@acme.example".
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "•••"
	}
	r, _ := utf8.DecodeRuneInString(local)
	return string(r) + "•••@" + domain
}

// maskPhone keeps the last two digits: "+1 555 010 2368" becomes
// "••• ••• •• 68".
func maskPhone(phone string) string {
	var digits []rune
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) < 2 {
		return "•••"
	}
	return "••• ••• •• " + string(digits[len(digits)-2:])
}
