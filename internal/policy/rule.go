package policy

import (
	"strings"
	"unicode/utf8"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// Rule denies agent requests whose method and decoded path match, whatever
// the session's scopes.
type Rule struct {
	// Method is "*" for every method, or an HTTP method in uppercase.
	Method string `json:"method,omitempty"`

	// Pattern matches the decoded path as Caddy's path matcher does,
	// ignoring case: exact ("/a/b"), prefix ("/a/*" or "/a*"), suffix
	// ("*.pdf"), substring ("*/export/*"), or a glob with "*" elsewhere,
	// where each "*" stands for part of one segment ("/api/*/keys").
	Pattern string `json:"pattern,omitempty"`
}

// String returns the rule as written in a Caddyfile: "DELETE /api/account*".
func (r Rule) String() string { return r.Method + " " + r.Pattern }

// ParseRule validates a deny rule. The method is "*" or one of
// KnownMethods, in any case (uppercased); the pattern starts with "/" or "*", uses "*" as its
// only wildcard, and is written decoded, since paths are matched decoded.
func ParseRule(method, pattern string) (Rule, error) {
	m, err := parseMethod(method)
	if err != nil {
		return Rule{}, err
	}
	if reason := patternProblem(pattern); reason != "" {
		return Rule{}, problem.New(problem.Invalid, "invalid_rule", "invalid deny pattern %q: %s", clip(pattern), reason)
	}
	return Rule{Method: m, Pattern: pattern}, nil
}

// patternProblem says why pattern can never be used, or returns "".
func patternProblem(p string) string {
	switch {
	case p == "":
		return "it is empty"
	case len(p) > 1024:
		return "it is longer than 1024 bytes"
	case p[0] != '/' && p[0] != '*':
		return "it must start with / or *"
	case !utf8.ValidString(p):
		return "it is not valid UTF-8"
	case strings.ContainsFunc(p, isControlRune):
		return "it contains a space or control character"
	case strings.ContainsAny(p, `%?#[]\{};`):
		return `write it decoded, with * as the only wildcard (no % ? # [ ] \ { } or ;)`
	case strings.Contains(p, "//"):
		return "it contains an empty segment (//), which Lockbox never lets through"
	case hasDotSegment(p):
		return "it contains a dot segment (. or ..), which Lockbox never lets through"
	}
	return ""
}

func isControlRune(r rune) bool { return r <= ' ' || r == 0x7f || 0x80 <= r && r < 0xa0 }

// hasDotSegment reports whether p has a "." or ".." segment.
func hasDotSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// Rules is a set of deny rules.
type Rules []Rule

// Match returns the first rule matching method and cleanPath (from
// CheckPath). Paths compare case-insensitively, as in Caddy. Methods compare
// case-insensitively too, and a rule also binds the methods an app may run
// in its place: a GET rule binds HEAD (servers answer HEAD with the GET
// handler), and a PUT, PATCH or DELETE rule binds POST (frameworks such as
// Rails, Laravel and Symfony honour a "_method" form field on POST).
func (rs Rules) Match(method, cleanPath string) (Rule, bool) {
	if len(rs) == 0 {
		return Rule{}, false
	}
	lower := strings.ToLower(cleanPath)
	for _, r := range rs {
		if methodMatches(r.Method, method) && patternMatches(strings.ToLower(r.Pattern), lower) {
			return r, true
		}
	}
	return Rule{}, false
}

// methodMatches reports whether a rule for ruleMethod binds method.
func methodMatches(ruleMethod, method string) bool {
	switch {
	case ruleMethod == "*", strings.EqualFold(ruleMethod, method):
		return true
	case strings.EqualFold(method, "HEAD"):
		return strings.EqualFold(ruleMethod, "GET")
	case strings.EqualFold(method, "POST"):
		return overridable(ruleMethod)
	}
	return false
}

// overridable reports whether frameworks let a POST stand in for m.
func overridable(m string) bool {
	return strings.EqualFold(m, "PUT") || strings.EqualFold(m, "PATCH") || strings.EqualFold(m, "DELETE")
}
