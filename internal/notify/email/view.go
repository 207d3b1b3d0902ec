package email

import (
	"errors"
	"strings"
	"time"
)

// view is what the templates see: every value already cleaned and put
// into words, so templates only place them.
type view struct {
	Subject string
	Product string
	Tenant  string
	// Name is the recipient's name, "" when unknown.
	Name string
	// Actor names who caused the event, "" when unknown.
	Actor string
	// Access summarises the scopes; Meaning explains them in sentences.
	Access  string
	Meaning string
	// Standing is a grant without end; otherwise Until is its end.
	Standing   bool
	Until      string
	UntilDay   string
	UntilClock string
	// GrantedBy and GrantedAt describe the grant's creation.
	GrantedBy string
	GrantedAt string
	// At is when the event happened.
	At string
	// Note is the grant's note; Reason the revocation's.
	Note   string
	Reason string
	// Link is the admin's link; Action labels it.
	Link   string
	Action string
	// Request words: the ticket, how long, which areas, whether it adds
	// time to the current grant, how many approvals it needs.
	Ticket    string
	Duration  string
	Areas     string
	Extension bool
	Needed    int
}

// newView checks data for kind k and puts it into words.
func newView(k kind, d Data) (view, error) {
	if d.Tenant == "" {
		d.Tenant = d.Grant.Tenant
	}
	if oneLine(d.Tenant) == "" {
		return view{}, errors.New("tenant is missing")
	}
	if err := checkLink(d.Link); err != nil {
		return view{}, err
	}
	if k.needsExpiry && d.Grant.ExpiresAt == nil {
		return view{}, errors.New("the grant is standing: it has no expiry")
	}
	if k.breakGlass && (d.BreakGlass == nil || d.BreakGlass.Until.IsZero()) {
		return view{}, errors.New("the break-glass entry is missing")
	}
	if k.request && (d.Request == nil || d.Request.ExpiresAt.IsZero() || d.Request.Duration == "") {
		return view{}, errors.New("the access request is missing")
	}
	at := eventTime(k, d)
	if at.IsZero() {
		return view{}, errors.New("the event time is missing")
	}
	return fill(k, d, at), nil
}

// eventTime is d.At, else the kind's time from the grant.
func eventTime(k kind, d Data) time.Time {
	if !d.At.IsZero() {
		return d.At
	}
	if t := k.at(d.Grant); t != nil {
		return *t
	}
	return time.Time{}
}

// fill puts valid data into words.
func fill(k kind, d Data, at time.Time) view {
	product := oneLine(d.Product)
	if product == "" {
		product = DefaultProduct
	}
	actor := d.Actor
	if actor == nil {
		actor = k.actor(d.Grant)
	}
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	w := timeWords{loc: loc, now: at}
	v := view{
		Product:   product,
		Tenant:    oneLine(d.Tenant),
		Name:      oneLine(d.Recipient.Name),
		Actor:     actorName(actor, product),
		Standing:  d.Grant.Standing(),
		GrantedBy: actorName(&d.Grant.CreatedBy, product),
		GrantedAt: w.long(d.Grant.CreatedAt),
		At:        w.long(at),
		Note:      cleanText(d.Grant.Note),
		Reason:    cleanText(d.Grant.EndNote),
		Link:      d.Link,
		Action:    k.action,
	}
	v.Access, v.Meaning = access(d.Grant.Scopes, product)
	if e := d.Grant.ExpiresAt; e != nil {
		v.Until, v.UntilDay, v.UntilClock = w.long(*e), w.day(*e), w.clock(*e)
	}
	if bg := d.BreakGlass; k.breakGlass {
		v.Reason = oneLine(bg.Reason)
		v.Access, v.Meaning = access(bg.Scopes, product)
		v.Until, v.UntilDay, v.UntilClock = w.long(bg.Until), w.day(bg.Until), w.clock(bg.Until)
	}
	if rq := d.Request; k.request {
		v.Reason, v.Ticket, v.Duration = oneLine(rq.Reason), oneLine(rq.Ticket), oneLine(rq.Duration)
		v.Areas, v.Extension, v.Needed = oneLine(strings.Join(rq.Areas, ", ")), rq.Extension, rq.Needed
		v.Access, v.Meaning = access(rq.Scopes, product)
		v.Until, v.UntilDay, v.UntilClock = w.long(rq.ExpiresAt), w.day(rq.ExpiresAt), w.clock(rq.ExpiresAt)
	}
	v.Subject = oneLine(k.subject(v))
	return v
}
