package gateway

import "net/http"

// recorder notes the status and size of a proxied response for the audit
// while passing everything through. Unwrap lets http.ResponseController
// reach the underlying writer for flushing, hijacking and deadlines.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader notes the final status: informational ones (103 Early
// Hints, which the reverse proxy passes on) come before it, except 101,
// which ends the exchange.
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 && (status >= 200 || status == http.StatusSwitchingProtocols) {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Flush passes streaming responses on at once.
func (r *recorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

// Unwrap returns the writer underneath.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Status returns the status sent, 200 if only a body was, 0 if nothing.
func (r *recorder) Status() int { return r.status }
