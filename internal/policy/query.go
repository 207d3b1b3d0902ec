package policy

// methodParam is the query parameter frameworks (Laravel, Symfony, Rails
// helpers, Express's method-override) read to replace the request method.
const methodParam = "_method"

// HasMethodParam reports whether rawQuery, a URL's encoded query, holds a
// _method parameter in any spelling an app could read as one: pairs split
// at '&' or ';', the name percent-decoded ('+' as a space), ASCII case
// ignored, and ' ', '.' and '[' read as '_' (PHP turns those into '_' in
// parameter names), with or without an array suffix ("_method[]"). It
// does not allocate.
func HasMethodParam(rawQuery string) bool {
	for start := 0; start <= len(rawQuery); {
		end := start
		for end < len(rawQuery) && rawQuery[end] != '&' && rawQuery[end] != ';' {
			end++
		}
		if isMethodParam(rawQuery[start:end]) {
			return true
		}
		start = end + 1
	}
	return false
}

// isMethodParam reports whether the name of pair, "name=value", reads as
// methodParam.
func isMethodParam(pair string) bool {
	j := 0
	for i := 0; i < len(pair); i++ {
		c := pair[i]
		switch {
		case c == '=':
			return j == len(methodParam)
		case c == '+':
			c = ' '
		case c == '%' && i+2 < len(pair) && isHex(pair[i+1]) && isHex(pair[i+2]):
			c = unhex(pair[i+1])<<4 | unhex(pair[i+2])
			i += 2
		}
		if j == len(methodParam) {
			// "_method[...]" is the same parameter as an array.
			return c == '['
		}
		if foldParamByte(c) != methodParam[j] {
			return false
		}
		j++
	}
	return j == len(methodParam)
}

// foldParamByte folds a parameter-name byte as PHP and case-insensitive
// frameworks would read it.
func foldParamByte(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c + ('a' - 'A')
	case c == ' ' || c == '.' || c == '[':
		return '_'
	}
	return c
}

// CodeMethodParam is the refusal of an agent request with a _method query
// parameter, which could turn a GET into a DELETE behind the policy.
const CodeMethodParam = "method_override"
