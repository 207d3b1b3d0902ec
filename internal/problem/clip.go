package problem

// Clip shortens caller text echoed in a message to its first n
// characters, marking the cut with "…". It cuts between characters, never
// inside one, so the message stays valid UTF-8.
func Clip(s string, n int) string {
	if n < 0 {
		n = 0
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
