package pages

// Admin is the hosted Support Access page of one tenant, as one of its
// admins sees it. Every field is ready to show; the templates only lay
// them out (and escape them).
type Admin struct {
	// Base is the page's path, e.g. "/_lockbox/admin"; its forms post
	// under it.
	Base   string
	Tenant string
	// Admin names who is signed in.
	Admin string
	// CSRF is the token every form posts back.
	CSRF string
	// Flash is a one-line message about the last change.
	Flash string
	// Access is the tenant's current grant; nil when support has none.
	Access *AdminAccess
	// Durations, Scopes and PII are the grant form's choices.
	Durations []Option
	Scopes    []Option
	PII       []Option
	// Areas are the parts of the app a grant may be limited to, as
	// checkboxes; none checked is the whole app. Empty when the site
	// names no areas.
	Areas []Option
	// AreasRequired is true when the admin may grant only the areas
	// offered: at least one must be checked.
	AreasRequired bool
	// Grants is the grant history, newest first; OlderGrants links to
	// the next page ("" on the last).
	Grants      []AdminGrant
	OlderGrants string
	// Sessions are the support agents' visits, newest first;
	// OlderSessions links to the next page ("" on the last).
	Sessions      []AdminSession
	OlderSessions string
	// BreakGlass are emergency visits no admin has acknowledged yet,
	// shown at the top until one does.
	BreakGlass []AdminBreakGlass
	// RequestsOn is true when the site takes access requests; the
	// request fields below stay empty otherwise.
	RequestsOn bool
	// Pending are agents' access requests waiting for a decision, shown
	// near the top; the one a link named comes first.
	Pending []AdminPending
	// Focused is the ended request a link named, shown at the top; nil
	// when the link named a pending one or none.
	Focused *AdminEnded
	// FocusMissing says the request a link named was not found.
	FocusMissing bool
	// Ended are the latest decided or expired requests, newest first.
	Ended []AdminEnded
	// Checkpoint is the tenant's latest signed audit checkpoint; nil
	// when none was signed yet.
	Checkpoint *AdminCheckpoint
}

// AdminCheckpoint is a signed checkpoint of the tenant's audit log, for
// the admin to keep: with it, a later rewrite of the log is caught.
type AdminCheckpoint struct {
	// Seq is the number of the last event it covers; At when it was
	// signed.
	Seq int64
	At  string
	// JWS is the checkpoint itself, to copy; Download serves it as a
	// file.
	JWS      string
	Download string
}

// AdminBreakGlass is an agent's entry without a grant (break-glass).
type AdminBreakGlass struct {
	// Agent is the agent's name and email; Reason what the agent typed.
	Agent  string
	Reason string
	// At is when the agent entered; Until when the visit ends at the
	// latest.
	At    string
	Until string
	// URL opens the visit; Ack is where its acknowledge form posts.
	URL string
	Ack string
}

// AdminAccess is the access support has now.
type AdminAccess struct {
	// Until says how long it lasts, e.g. "until 2030-01-09 12:00 UTC (7
	// days left)".
	Until string
	// Scopes says what it allows, e.g. "Read-only, personal data masked".
	Scopes string
	// Areas says which parts of the app it covers, e.g. "only:
	// planning, calendar"; empty for the whole app.
	Areas     string
	GrantedBy string
	GrantedAt string
	Note      string
}

// Option is one choice of a form field.
type Option struct {
	Value, Label string
	Checked      bool
}

// AdminGrant is one grant of the history.
type AdminGrant struct {
	GrantedAt string
	GrantedBy string
	Scopes    string
	// Areas is as in AdminAccess.
	Areas string
	// Length is e.g. "7 days" or "standing".
	Length string
	Note   string
	// Extensions say each time the grant got more time, e.g. "extended
	// by ana@acme.example on 2030-01-02 03:04 UTC until 2030-01-10 03:04
	// UTC (1 day more)", oldest first.
	Extensions []string
	// Active is true for the grant in force; Ended says how and when
	// any other one ended, and EndNote why, if the admin said.
	Active  bool
	Ended   string
	EndNote string
}

// AdminSession is one support agent's visit to the tenant.
type AdminSession struct {
	// URL opens the visit's requests.
	URL string
	// Agent is the agent's name and email.
	Agent   string
	Scopes  string
	LoginAt string
	// Active is true while the visit lasts; otherwise LogoutAt is when
	// it ended and Ended says why.
	Active   bool
	LogoutAt string
	Ended    string
	// Requests counts the visit's requests in words, refused ones
	// included and named: "3 requests, 1 refused".
	Requests string
	// BreakGlass marks entry without a grant; Reason is the agent's.
	BreakGlass bool
	Reason     string
}

// AdminSessionPage lists what one visit did.
type AdminSessionPage struct {
	// Back links to the Support Access page.
	Back    string
	Tenant  string
	Admin   string
	Session AdminSession
	Rows    []AdminRequest
	// Next links to the following requests ("" when none are left).
	Next string
}

// AdminRequest is one line of a visit: a request the agent made, one
// Lockbox refused, or the visit's start or end.
type AdminRequest struct {
	At     string
	Method string
	Path   string
	// Status is the app's answer, e.g. "200"; empty for other lines.
	Status string
	// What describes lines that are not answered requests.
	What    string
	Refused bool
}

// AdminAsk is what an agent asked a tenant for, in words.
type AdminAsk struct {
	// ID is the request's id; Anchor the id of its element on the page
	// ("request-<id>"), so a link can end in #<Anchor>.
	ID     string
	Anchor string
	// Agent is the agent's name and email; Roles their support roles.
	Agent string
	Roles string
	// At is when the agent asked.
	At     string
	Reason string
	Ticket string
	// Extension is true when the agent asks for more time on the
	// current grant rather than for a new one.
	Extension bool
	// Scopes says what was asked, e.g. "Read and write, personal data
	// masked"; Areas e.g. "only: planning", empty for the whole app.
	Scopes string
	Areas  string
	// Duration is e.g. "7 days": the grant's length, or for an extension
	// the time to add.
	Duration string
}

// AdminPending is an access request waiting for the tenant's admins,
// with the signed-in admin's forms to decide it.
type AdminPending struct {
	AdminAsk
	// Focus marks the request a link named.
	Focus bool
	// Approvals counts them, e.g. "1 of 2 approvals"; ApprovedBy says
	// who approved and what, one line each; SoFar what the approvals so
	// far would grant, empty before the first.
	Approvals  string
	ApprovedBy []string
	SoFar      string
	// Expires says when the request ends if nobody decides.
	Expires string
	// Own is true when the signed-in admin is the agent who asked;
	// YouApproved says when they approved it already. Either way the
	// page shows no forms.
	Own         bool
	YouApproved string
	// Blocked, when set, says why this admin cannot approve (their link
	// allows none of the areas asked); the deny form remains.
	Blocked string
	// Approve and Deny are where the two forms post.
	Approve string
	Deny    string
	// ScopeChoices are the scopes beyond read an approval may keep
	// (checked) or drop; DurationChoices the lengths it may give, the
	// asked one selected; AreaChoices the areas it may keep.
	ScopeChoices    []Option
	DurationChoices []Option
	AreaChoices     []Option
	// AreasRequired is true when at least one area must stay checked.
	AreasRequired bool
}

// AdminEnded is an access request that was decided or expired.
type AdminEnded struct {
	AdminAsk
	// State is "approved", "denied" or "expired"; DecidedBy and
	// DecidedAt say who ended it and when (when it expired, for those).
	State     string
	DecidedBy string
	DecidedAt string
	// Message is the denying admin's message to the agent.
	Message string
	// Granted says what the approval gave, e.g. "Read-only, personal
	// data masked, for 1 day" or "1 day more on the current grant".
	Granted string
}
