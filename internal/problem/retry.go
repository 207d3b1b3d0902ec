package problem

import (
	"net/http"
	"strconv"
)

// RetryAfter is how long, in seconds, a client refused with 503 is told
// to wait: Lockbox resumes by itself within a couple of seconds of its
// store's return.
const RetryAfter = 5

// SetRetryAfter adds Retry-After to a 503 answer that lacks one, so
// clients and load balancers back off instead of hammering a gateway
// whose store is down.
func SetRetryAfter(h http.Header, status int) {
	if status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
		h.Set("Retry-After", strconv.Itoa(RetryAfter))
	}
}
