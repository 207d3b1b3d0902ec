package policy

import "strings"

// patternMatches matches a lowercase pattern against a lowercase path with
// the semantics of Caddy's path matcher. Paths reaching it passed
// CheckPath, so Caddy's cleaning (merging slashes, resolving dots) would
// leave them unchanged and is not repeated here.
func patternMatches(p, path string) bool {
	switch p {
	case "":
		return false
	case "*":
		return true
	}
	stars := strings.Count(p, "*")
	first, last := p[0] == '*', p[len(p)-1] == '*'
	switch {
	case stars == 0:
		return p == path
	case stars == 2 && first && last:
		return strings.Contains(path, p[1:len(p)-1])
	case stars == 1 && first:
		return strings.HasSuffix(path, p[1:])
	case stars == 1 && last:
		return strings.HasPrefix(path, p[:len(p)-1])
	}
	return globMatch(p, path)
}

// globMatch matches segment by segment; a "*" never crosses a slash, as
// in path.Match.
func globMatch(p, path string) bool {
	if strings.Count(p, "/") != strings.Count(path, "/") {
		return false
	}
	for {
		pseg, prest, pmore := strings.Cut(p, "/")
		sseg, srest, _ := strings.Cut(path, "/")
		if !starMatch(pseg, sseg) {
			return false
		}
		if !pmore {
			return true
		}
		p, path = prest, srest
	}
}

// starMatch matches one segment, where "*" stands for any run of bytes.
// It backtracks only to the last star, which suffices for "*" alone.
func starMatch(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			mark++
			pi, si = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
