package email

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Kinds of notification Render knows. A new kind (request.created,
// breakglass.used) needs an entry in kinds and a .txt and .html template
// of the same name, with its details in a new field of Data.
const (
	KindGrantCreated  = "grant.created"
	KindGrantRevoked  = "grant.revoked"
	KindGrantExpiring = "grant.expiring"
	KindGrantExpired  = "grant.expired"
	// KindBreakGlassUsed tells of an agent who entered the tenant without
	// a grant; its details are in Data.BreakGlass, and Data.At and
	// Data.Actor are required.
	KindBreakGlassUsed = "breakglass.used"
	// KindRequestCreated asks an admin to approve or deny an agent's
	// access request; its details are in Data.Request, and Data.At and
	// Data.Actor are required.
	KindRequestCreated = "request.created"
)

// DefaultProduct names the product when Data.Product is empty.
const DefaultProduct = "Lockbox"

// Data is what a notification talks about.
type Data struct {
	// Product names the vendor's app whose support gets access, e.g.
	// "Acme Cloud". Default DefaultProduct.
	Product string
	// Tenant is the tenant's id. Default Grant.Tenant.
	Tenant string
	// Recipient is the admin the email is for; with an Email, Render
	// fills in Message.To.
	Recipient Recipient
	// Grant is the grant the email is about.
	Grant store.Grant
	// Actor is who caused the event. Default: Grant.CreatedBy for
	// grant.created, Grant.EndedBy for grant.revoked.
	Actor *store.Actor
	// At is when the event happened, or for grant.expiring when the
	// warning is sent; dates in another year than At's show their year.
	// Default from the grant: CreatedAt (created), EndedAt (revoked),
	// ExpiresAt (expiring), EndedAt else ExpiresAt (expired).
	At time.Time
	// Link is the recipient's own signed link to the Support Access page;
	// http or https. Optional, but the email says much less without it.
	Link string
	// Location is the time zone times are written in. Default UTC.
	Location *time.Location
	// BreakGlass is the emergency entry a breakglass.used email is about.
	BreakGlass *BreakGlass
	// Request is the access request a request.created email is about.
	Request *Request
}

// Request is an agent's request for access, as an admin decides on it.
type Request struct {
	// ID is the request's id, for the record.
	ID     string
	Reason string
	Ticket string
	// Scopes and Duration ("7d") are what the agent asked for; for an
	// extension, Duration is the time to add to the current grant.
	Scopes    []string
	Duration  string
	Areas     []string
	Extension bool
	// Needed is how many admins must approve.
	Needed int
	// ExpiresAt is when the request lapses if nobody decides.
	ExpiresAt time.Time
}

// BreakGlass is an agent's entry into a tenant without a grant.
type BreakGlass struct {
	// Session is the visit's id, for the record.
	Session string
	// Reason is what the agent typed.
	Reason string
	// Scopes are what the agent may do inside.
	Scopes []string
	// Until is when the visit ends at the latest.
	Until time.Time
}

// Recipient is a tenant admin.
type Recipient struct {
	Name  string
	Email string
}

// kind is what differs between notifications beyond their templates.
type kind struct {
	// at picks the event time from the grant when Data.At is zero.
	at func(g store.Grant) *time.Time
	// actor picks who acted from the grant when Data.Actor is nil.
	actor   func(g store.Grant) *store.Actor
	subject func(v view) string
	// action labels the link.
	action string
	// needsExpiry refuses a standing grant.
	needsExpiry bool
	// breakGlass needs Data.BreakGlass and tells of it, not of a grant.
	breakGlass bool
	// request needs Data.Request and tells of it, not of a grant.
	request bool
}

var kinds = map[string]kind{
	KindGrantCreated: {
		at:    func(g store.Grant) *time.Time { return &g.CreatedAt },
		actor: func(g store.Grant) *store.Actor { return &g.CreatedBy },
		subject: func(v view) string {
			if v.Standing {
				return "Standing support access to " + v.Tenant + " granted"
			}
			return "Support access to " + v.Tenant + " granted until " + v.UntilDay
		},
		action: "Review or revoke access",
	},
	KindGrantRevoked: {
		at:      func(g store.Grant) *time.Time { return g.EndedAt },
		actor:   func(g store.Grant) *store.Actor { return g.EndedBy },
		subject: func(v view) string { return "Support access to " + v.Tenant + " revoked" },
		action:  "See the history of support access",
	},
	KindGrantExpiring: {
		at:    func(g store.Grant) *time.Time { return g.ExpiresAt },
		actor: func(store.Grant) *store.Actor { return nil },
		subject: func(v view) string {
			return "Support access to " + v.Tenant + " ends " + v.UntilDay + " at " + v.UntilClock
		},
		action:      "Extend or revoke access",
		needsExpiry: true,
	},
	KindGrantExpired: {
		at:          func(g store.Grant) *time.Time { return firstTime(g.EndedAt, g.ExpiresAt) },
		actor:       func(store.Grant) *store.Actor { return nil },
		subject:     func(v view) string { return "Support access to " + v.Tenant + " has ended" },
		action:      "Open Support Access",
		needsExpiry: true,
	},
	KindBreakGlassUsed: {
		at:    func(store.Grant) *time.Time { return nil },
		actor: func(store.Grant) *store.Actor { return nil },
		subject: func(v view) string {
			return "Emergency support access to " + v.Tenant + " by " + or(v.Actor, "a support agent")
		},
		action:     "See the visit on Support Access",
		breakGlass: true,
	},
	KindRequestCreated: {
		at:    func(store.Grant) *time.Time { return nil },
		actor: func(store.Grant) *store.Actor { return nil },
		subject: func(v view) string {
			if v.Extension {
				return or(v.Actor, "A support agent") + " asks for more time in " + v.Tenant
			}
			return or(v.Actor, "A support agent") + " asks for support access to " + v.Tenant
		},
		action:  "Approve or deny",
		request: true,
	},
}

// or is s, or else when s is empty.
func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

//go:embed templates
var files embed.FS

var (
	textTemplates = texttemplate.Must(texttemplate.New("").Funcs(texttemplate.FuncMap{"indent": indent}).ParseFS(files, "templates/*.txt"))
	htmlTemplates = htmltemplate.Must(htmltemplate.ParseFS(files, "templates/*.html"))
)

// Render writes the notification of the given kind as a Message with a
// plain-text and an HTML body. Values from data are escaped in the HTML,
// stripped of control characters in the text and made one line in the
// subject and recipient.
func Render(kindName string, data Data) (Message, error) {
	k, ok := kinds[kindName]
	if !ok {
		return Message{}, fmt.Errorf("unknown email kind %q", clip(kindName))
	}
	v, err := newView(k, data)
	if err != nil {
		return Message{}, fmt.Errorf("%s email: %w", kindName, err)
	}
	m := Message{Subject: v.Subject}
	if data.Recipient.Email != "" {
		m.To = Address(data.Recipient.Name, data.Recipient.Email)
	}
	var text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, kindName+".txt", v); err != nil {
		return Message{}, fmt.Errorf("%s email text: %w", kindName, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&html, kindName+".html", v); err != nil {
		return Message{}, fmt.Errorf("%s email html: %w", kindName, err)
	}
	m.Text, m.HTML = strings.TrimSpace(text.String())+"\n", html.String()
	return m, nil
}

// checkLink accepts an absolute http or https URL, or nothing.
func checkLink(link string) error {
	if link == "" {
		return nil
	}
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || hasControl(link) {
		return errors.New("link must be an absolute http or https URL")
	}
	return nil
}

func firstTime(ts ...*time.Time) *time.Time {
	for _, t := range ts {
		if t != nil && !t.IsZero() {
			return t
		}
	}
	return nil
}

// indent lines after the first to line up under a label of the text
// templates ("Note:   ").
func indent(s string) string {
	return strings.ReplaceAll(s, "\n", "\n        ")
}
