package instance

import (
	"slices"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/retention"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// testSecret is a well-formed webhook secret; tests check it is never
// echoed.
var testSecret = notify.NewSecret()

// TestConfigErrors: New refuses what could never work, in words that
// name the setting and never a secret.
func TestConfigErrors(t *testing.T) {
	redis := &Storage{Backend: BackendRedis, URL: "redis://127.0.0.1:6379/0?read_timeout=300ms"}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "no backend", cfg: Config{Storage: &Storage{Path: "lockbox.db"}}, want: "storage backend is required: use bolt or redis"},
		{name: "unknown backend", cfg: Config{Storage: &Storage{Backend: "etcd", URL: "etcd://127.0.0.1:2379"}}, want: `unknown storage backend "etcd": use bolt or redis`},
		{name: "redis url of another scheme", cfg: Config{Storage: &Storage{Backend: BackendRedis, URL: "http://lockbox:s3cret@127.0.0.1:6379/0"}}, want: "redis storage url must start with redis:// or rediss://"},
		{name: "redis url that does not parse", cfg: Config{Storage: &Storage{Backend: BackendRedis, URL: "redis://lockbox:s3cret%zz@127.0.0.1:6379/0"}}, want: "invalid redis storage url"},
		{name: "redis url without host", cfg: Config{Storage: &Storage{Backend: BackendRedis, URL: "redis://lockbox:s3cret@/0"}}, want: "invalid redis storage url"},
		{name: "redis without url", cfg: Config{Storage: &Storage{Backend: BackendRedis}}, want: "redis storage needs a url"},
		{name: "redis with a path", cfg: Config{Storage: &Storage{Backend: BackendRedis, URL: "redis://127.0.0.1:6379", Path: "lockbox.db"}}, want: "storage path is for the bolt backend"},
		{name: "bolt without path", cfg: Config{Storage: &Storage{Backend: BackendBolt}}, want: "bolt storage needs a path"},
		{name: "bolt with a url", cfg: Config{Storage: &Storage{Backend: BackendBolt, Path: "lockbox.db", URL: "redis://127.0.0.1:6379"}}, want: "storage url is for the redis backend"},
		{name: "replicas on bolt", cfg: Config{Audit: Audit{Replicas: 1}}, want: "audit_replicas needs the redis storage backend"},
		{name: "replica wait past the read timeout", cfg: Config{Storage: redis, Audit: Audit{Replicas: 1, ReplicaWait: time.Second}}, want: "below the redis read timeout (300ms)"},
		{name: "too many replicas", cfg: Config{Storage: redis, Audit: Audit{Replicas: 17}}, want: "audit_replicas must be between 1 and 16"},
		{name: "unknown audit mode", cfg: Config{Storage: redis, Audit: Audit{Mode: "lax"}}, want: `unknown audit mode "lax"`},
		{name: "short api key", cfg: Config{APIKeys: []string{"hunter2"}}, want: "api_key 1: the key must be 16 to 512 printable characters"},
		{name: "public url not absolute", cfg: Config{PublicURL: "app.example.com"}, want: `public_url "app.example.com" must be an absolute`},
		{name: "webhook secret missing", cfg: Config{Webhooks: []Webhook{{URL: "https://app.internal/hooks"}}}, want: "webhook 1 (https://app.internal/hooks): webhook secret is required"},
		{name: "webhook secret malformed", cfg: Config{Webhooks: []Webhook{{URL: "https://app.internal/hooks?token=hunter2", Secret: "whsec_hunter2"}}}, want: "webhook secret must"},
		{name: "webhook url not absolute", cfg: Config{Webhooks: []Webhook{{URL: "ftp://app.internal/hooks", Secret: testSecret}}}, want: "webhook 1: url must be an absolute http or https URL"},
		{name: "two webhooks to one url", cfg: Config{Webhooks: []Webhook{{URL: "https://app.internal/hooks", Secret: testSecret}, {URL: "https://app.internal/hooks", Secret: testSecret}}}, want: "two webhook endpoints named"},
		{name: "smtp without from", cfg: Config{SMTP: &SMTP{Address: "127.0.0.1:25", TLS: "none"}}, want: "smtp from address is missing"},
		{name: "smtp without address", cfg: Config{SMTP: &SMTP{From: "a@example.com"}}, want: "smtp needs the server's host:port"},
		{name: "smtp password without username", cfg: Config{SMTP: &SMTP{Address: "smtp.example.com:587", From: "a@example.com", Password: "hunter2"}}, want: "smtp password is set without a username"},
		{name: "link ttl too short", cfg: Config{LinkTTL: time.Second}, want: "link_ttl 1s is out of range"},
		{name: "negative backoff", cfg: Config{NotifyBackoff: []time.Duration{-time.Second}}, want: "notify_backoff delays must be positive"},
		{name: "empty admin role", cfg: Config{AdminRoles: []string{" "}}, want: "admin role"},
		{name: "request ttl too short", cfg: Config{RequestTTL: 10 * time.Second}, want: "access requests: request lifetime 10s is out of range"},
		{name: "too many approvals", cfg: Config{ApprovalsNeeded: 11}, want: "access requests:"},
		{name: "bad rate", cfg: Config{RateLimit: RateLimit{Login: "0/m"}}, want: "rate_limit login"},
		{name: "retention without archive", cfg: Config{Retention: 30 * 24 * time.Hour}, want: "audit_retention needs audit_archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.Storage == nil {
				cfg.Storage, _ = bolt(t)
			}
			refused(t, cfg, tt.want, "s3cret", "hunter2", testSecret)
		})
	}
}

// TestConfigRefusedBeforeOpening: New checks before it opens anything.
func TestConfigRefusedBeforeOpening(t *testing.T) {
	s, path := bolt(t)
	refused(t, Config{Storage: s, APIKeys: []string{"hunter2"}}, "api_key 1", "hunter2")
	testkit.BoltAt(t, path)
}

func TestDefaults(t *testing.T) {
	set, err := Config{DataDir: "/data"}.settings()
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case set.storage != Storage{Backend: BackendBolt, Path: "/data/lockbox.db"}:
		t.Errorf("storage %+v; want the bolt file in the data directory", set.storage)
	case set.buffered:
		t.Error("audit buffered by default; want strict")
	case !slices.Equal(set.rules.Roles, []string{"owner", "admin"}) || set.rules.NoStanding || len(set.rules.Durations) != 3:
		t.Errorf("rules %+v; want owner and admin, 1d 7d 28d and standing", set.rules)
	case set.linkTTL != 24*time.Hour || set.requests.TTL != 72*time.Hour || set.requests.Needed != 1:
		t.Errorf("link ttl %s, request ttl %s, approvals %d", set.linkTTL, set.requests.TTL, set.requests.Needed)
	case set.limits.Client != nil || !set.limits.Login.IsZero():
		t.Errorf("limits %+v; want ratelimit's defaults", set.limits)
	case set.window != 0:
		t.Errorf("window %s without an archive; want nothing moved", set.window)
	}
}

func TestRateLimits(t *testing.T) {
	set, err := Config{DataDir: "/data", RateLimit: RateLimit{Requests: "2/h"}}.settings()
	if err != nil || set.limits.Requests != (ratelimit.Rate{Events: 2, Per: time.Hour}) || !set.limits.Login.IsZero() {
		t.Fatalf("limits = %+v, %v", set.limits, err)
	}
}

func TestRetentionWindow(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want time.Duration
	}{
		{name: "no archive", cfg: Config{}, want: 0},
		{name: "off without archive", cfg: Config{KeepAll: true}, want: 0},
		{name: "archive, default window", cfg: Config{Archive: "/a"}, want: retention.DefaultWindow},
		{name: "archive and window", cfg: Config{Archive: "/a", Retention: 30 * 24 * time.Hour}, want: 30 * 24 * time.Hour},
		{name: "archive, off", cfg: Config{Archive: "/a", KeepAll: true}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.retentionWindow()
			if err != nil || got != tt.want {
				t.Fatalf("window = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}

// TestRetentionMover: with an archive, the mover runs and reports; with
// off, none does, yet checkpoints are archived.
func TestRetentionMover(t *testing.T) {
	dir := t.TempDir()
	i := open(t, Config{Archive: dir})
	if _, ok := i.RetentionStatus(); !ok {
		t.Error("no mover with an archive")
	}
	off := open(t, Config{Archive: dir, KeepAll: true})
	if _, ok := off.RetentionStatus(); ok || off.Checkpoints().Archive == nil {
		t.Errorf("off: mover %v, checkpoint archive %v; want no mover, an archive", ok, off.Checkpoints().Archive)
	}
}
