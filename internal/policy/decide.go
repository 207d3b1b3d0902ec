package policy

import (
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/scope"
)

// Codes of refusal, for the 403 page and the access.denied audit event.
const (
	// CodeBlocked: a deny rule matched.
	CodeBlocked = "blocked_action"
	// CodeReadOnly: an unsafe method without the write scope.
	CodeReadOnly = "read_only"
	// CodeAmbiguousPath: CheckPath refused the path.
	CodeAmbiguousPath = "ambiguous_path"
	// CodeNoAccess: the session has no read scope, which a well-formed
	// session always has; refused rather than guessed at.
	CodeNoAccess = "no_access"
)

// Decision is the verdict on one agent request. The zero value allows.
type Decision struct {
	// Code is empty when allowed, else one of the Code constants.
	Code string
	// Message is a plain sentence for the 403 page; empty when allowed.
	Message string
	// Rule is the deny rule that matched, when Code is CodeBlocked.
	Rule Rule
}

// Allowed reports whether the request may go on.
func (d Decision) Allowed() bool { return d.Code == "" }

// Err returns nil when allowed, else a Forbidden problem with the code
// and message.
func (d Decision) Err() error {
	if d.Allowed() {
		return nil
	}
	return problem.New(problem.Forbidden, d.Code, "%s", d.Message)
}

// Safe reports whether method is one that changes nothing: GET, HEAD,
// OPTIONS or TRACE, written in uppercase as HTTP requires. Anything else,
// unknown or lowercase methods included, needs the write scope.
func Safe(method string) bool {
	switch method {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return false
}

// Decide applies the deny rules, then the write scope, to an agent request
// whose path passed CheckPath. scopes are the session's effective scopes.
func Decide(scopes []string, method, cleanPath string, rules Rules) Decision {
	if !slices.Contains(scopes, scope.Read) {
		return Decision{Code: CodeNoAccess, Message: "Your support access to this tenant carries no scopes, so nothing can be opened."}
	}
	if r, ok := rules.Match(method, cleanPath); ok {
		return Decision{Code: CodeBlocked, Rule: r, Message: blockedMessage(r, method)}
	}
	if !Safe(method) && !slices.Contains(scopes, scope.Write) {
		return Decision{Code: CodeReadOnly, Message: "Your support access to this tenant is read-only, so this " +
			shownMethod(method) + " request, which could change data, was not sent. Changing data needs the write scope."}
	}
	return Decision{}
}

// blockedMessage explains a deny rule, and why it binds a method other
// than its own.
func blockedMessage(r Rule, method string) string {
	msg := "This action is blocked during support access by the rule “" + r.String() + "”."
	if r.Method != "*" && !strings.EqualFold(r.Method, method) {
		msg += " An app can run a " + shownMethod(method) + " request as " + r.Method + ", so it is blocked too."
	}
	return msg
}

// shownMethod returns method for a message if it is a plain token of up to
// 20 letters, else a neutral word; the method comes from the client.
func shownMethod(method string) string {
	if method == "" || len(method) > 20 || strings.TrimFunc(method, isLetter) != "" {
		return "unusual"
	}
	return method
}
