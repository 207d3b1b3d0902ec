package ratelimit

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"
)

// Defaults of Config.
var (
	DefaultAPIFailures = Rate{Events: 10, Per: time.Minute}
	DefaultLogin       = Rate{Events: 30, Per: time.Minute}
	DefaultRequests    = Rate{Events: 5, Per: time.Hour}
	// LogLines caps the warnings logged about one client's refusals.
	LogLines = Rate{Events: 10, Per: time.Minute}
)

// Config sets up Limits; zero rates take the defaults.
type Config struct {
	// APIFailures are the failed API key attempts a client may make.
	APIFailures Rate
	// Login are the logins a client may start.
	Login Rate
	// Requests are the access requests an agent may send.
	Requests Rate
	// Client returns the client's address (Caddy's client IP, which
	// honours trusted_proxies); nil means the host of RemoteAddr.
	Client func(*http.Request) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Limits are the per-client and per-agent limits of one Lockbox app.
type Limits struct {
	APIFailures *Keyed // per client
	Login       *Keyed // per client
	Requests    *Keyed // per agent
	Log         *Keyed // warnings about refusals, per client
	client      func(*http.Request) string
}

// New returns the limits of c, defaults filled in.
func New(c Config) *Limits {
	or := func(r, def Rate) Rate {
		if r.IsZero() {
			return def
		}
		return r
	}
	if c.Client == nil {
		c.Client = RemoteHost
	}
	return &Limits{
		APIFailures: NewKeyed(or(c.APIFailures, DefaultAPIFailures), 0, c.Now),
		Login:       NewKeyed(or(c.Login, DefaultLogin), 0, c.Now),
		Requests:    NewKeyed(or(c.Requests, DefaultRequests), 0, c.Now),
		Log:         NewKeyed(LogLines, 0, c.Now),
		client:      c.Client,
	}
}

// Share makes the client and agent limits spend from budgets s keeps,
// shared by every gateway on the same store. The warning lines stay per
// process: each has its own log.
func (l *Limits) Share(s *Shared) {
	l.APIFailures.Share(s, "api_failures")
	l.Login.Share(s, "login")
	l.Requests.Share(s, "requests")
}

// Client returns the address of r's client, for logs.
func (l *Limits) Client(r *http.Request) string { return l.client(r) }

// LogPass spends one of the warning lines r's client may cause
// (LogLines) and reports whether a line may be written now, the client's
// address to name in it, and how many lines were held back before it.
// Without limits (l nil) every line passes, naming the host of RemoteAddr.
func (l *Limits) LogPass(r *http.Request) (client string, held int, ok bool) {
	if l == nil {
		return RemoteHost(r), 0, true
	}
	if ok, held = l.Log.Pass(l.ClientKey(r)); !ok {
		return "", held, false
	}
	return l.Client(r), held, true
}

// ClientKey returns the key r's client is limited by: its IP address, or
// for IPv6 its /64 network, which one host can usually fill at will.
func (l *Limits) ClientKey(r *http.Request) string { return ClientKey(l.client(r)) }

// ClientKey returns the limiting key of a client address.
func ClientKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return clip(addr)
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// RemoteHost returns the host of r.RemoteAddr.
func RemoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// RetryAfter sets the Retry-After header to wait, in whole seconds
// rounded up, at least 1.
func RetryAfter(h http.Header, wait time.Duration) {
	secs := max(1, int64(math.Ceil(wait.Seconds())))
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
}
