package demoapp

import "github.com/lockbox-gw/lockbox/internal/admins"

// TenantAdmins are the admins the demo registers for each tenant, so
// the Support Access page has someone to open it. No mail is sent: the
// demo configures no smtp.
var TenantAdmins = map[string][]admins.Admin{
	GrantedTenant:   {{ID: "ada", Email: "ada@acme.example", Name: "Ada Lovelace", Role: "owner"}},
	UngrantedTenant: {{ID: "gus", Email: "gus@globex.example", Name: "Gus Grant", Role: "owner"}},
}

// LinkAdmin is the admin of the granted tenant whose Support Access link
// the demo prints.
func LinkAdmin() admins.Admin { return TenantAdmins[GrantedTenant][0] }
