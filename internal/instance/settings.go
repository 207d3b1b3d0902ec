package instance

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/retention"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// DefaultBoltFile is the store file in DataDir used without Storage.
const DefaultBoltFile = "lockbox.db"

// settings are a Config checked, with its defaults applied.
type settings struct {
	storage   Storage
	key       poolKey
	buffered  bool
	apiKeys   []string
	publicURL string // "" for the first site's origin
	linkTTL   time.Duration
	rules     tenantadmin.Rules
	endpoints []notify.Endpoint
	smtp      *email.Config // nil: no email
	backoff   []time.Duration
	requests  request.Config // without a site's areas and review links
	limits    ratelimit.Config
	window    time.Duration // 0: nothing moves
}

// settings checks c and applies its defaults, in the order a reader
// meets the words. Errors never carry a secret.
func (c Config) settings() (settings, error) {
	var s settings
	var err error
	if s.storage, s.key, err = c.store(); err != nil {
		return s, err
	}
	if s.buffered, err = c.Audit.check(s.storage); err != nil {
		return s, err
	}
	// The words every site's app API and Support Access page share are
	// checked where the Caddyfile checks them, with their lines.
	acc, err := siteconfig.Access{
		APIKeys: c.APIKeys, PublicURL: c.PublicURL, LinkTTL: c.LinkTTL, AdminRoles: c.AdminRoles, GrantDurations: c.GrantDurations,
	}.Resolve(func(v string) string { return v })
	if err != nil {
		return s, siteconfig.Named(err)
	}
	s.apiKeys, s.publicURL, s.linkTTL, s.rules = acc.APIKeys, acc.PublicURL, acc.LinkTTL, acc.Rules
	if err := c.notifications(&s); err != nil {
		return s, err
	}
	s.requests, err = request.Config{TTL: c.RequestTTL, Needed: c.ApprovalsNeeded, Durations: s.rules.Durations}.Normalized()
	if err != nil {
		return s, fmt.Errorf("access requests: %v", err)
	}
	if s.limits, err = c.RateLimit.config(c.ClientIP); err != nil {
		return s, err
	}
	s.window, err = c.retentionWindow()
	return s, err
}

// store resolves the storage settings and the pool key of the store.
func (c Config) store() (Storage, poolKey, error) {
	st := Storage{Backend: BackendBolt, Path: filepath.Join(c.DataDir, DefaultBoltFile)}
	if c.Storage != nil {
		st = *c.Storage
	}
	if err := st.validate(); err != nil {
		return st, poolKey{}, err
	}
	key, err := st.key()
	if err != nil {
		return st, poolKey{}, err
	}
	if key.backend == BackendRedis && c.Audit.Replicas > 0 {
		key.replicas, key.replicaWait = c.Audit.Replicas, c.Audit.wait()
	}
	return st, key, nil
}

// notifications checks the webhooks, smtp and backoff.
func (c Config) notifications(s *settings) error {
	for i, w := range c.Webhooks {
		ep, err := w.Endpoint(i)
		if err != nil {
			return err
		}
		s.endpoints = append(s.endpoints, ep)
	}
	if c.SMTP != nil {
		ec, err := c.SMTP.Config()
		if err != nil {
			return err
		}
		s.smtp = &ec
	}
	for _, d := range c.NotifyBackoff {
		if d <= 0 {
			return errors.New("notify_backoff delays must be positive")
		}
	}
	s.backoff = c.NotifyBackoff
	return nil
}

// retentionWindow is how long events stay in the store; 0 when nothing
// moves. Retention without Archive is refused: events leave the store
// only into the archive.
func (c Config) retentionWindow() (time.Duration, error) {
	switch {
	case c.Retention < 0:
		return 0, errors.New("audit_retention must be a positive duration such as 90d, or off")
	case c.Archive == "" && c.Retention > 0 && !c.KeepAll:
		return 0, errors.New("audit_retention needs audit_archive: events leave the store only into the archive")
	case c.Archive == "" || c.KeepAll:
		return 0, nil
	case c.Retention == 0:
		return retention.DefaultWindow, nil
	}
	return c.Retention, nil
}
