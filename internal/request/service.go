package request

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// Config is how requests behave on a site.
type Config struct {
	// TTL is how long a request waits for a decision; default DefaultTTL.
	TTL time.Duration
	// Needed is how many different admins must approve; default 1.
	Needed int
	// Durations are the lengths an agent may ask for (the admins'
	// grant lengths); default tenantadmin.DefaultDurations.
	Durations []time.Duration
	// Areas are the site's configured areas a request may name.
	Areas policy.Areas
	// ReviewURL, when set, returns where an admin reviews request id of
	// tenant; notifications carry it.
	ReviewURL func(tenant, id string) string
}

// MaxNeeded bounds approvals_needed: more admins than this never agree.
const MaxNeeded = 10

// Normalized checks c and fills in its defaults.
func (c Config) Normalized() (Config, error) {
	if c.TTL == 0 {
		c.TTL = DefaultTTL
	}
	if c.TTL < time.Minute || c.TTL > grant.MaxDuration {
		return Config{}, fmt.Errorf("request lifetime %s is out of range: use 1m to %s", grant.FormatDuration(c.TTL), grant.FormatDuration(grant.MaxDuration))
	}
	if c.Needed == 0 {
		c.Needed = 1
	}
	if c.Needed < 1 || c.Needed > MaxNeeded {
		return Config{}, fmt.Errorf("approvals needed %d is out of range: use 1 to %d", c.Needed, MaxNeeded)
	}
	r, err := tenantadmin.Rules{Durations: c.Durations}.Normalized()
	if err != nil {
		return Config{}, err
	}
	c.Durations = r.Durations
	return c, nil
}

// Service runs access requests on the store of a grant service.
type Service struct {
	grants *grant.Service
	st     store.Store
	cfg    Config
}

// New returns the request service over grants' store and clock.
func New(grants *grant.Service, cfg Config) (*Service, error) {
	if grants == nil {
		return nil, errors.New("requests: a grant service is required")
	}
	cfg, err := cfg.Normalized()
	if err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	return &Service{grants: grants, st: grants.Store(), cfg: cfg}, nil
}

// Config returns the service's settings, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// Now returns the service's clock reading.
func (s *Service) Now() time.Time { return s.grants.Now() }

// Choices are the durations an agent may ask for, as forms send them.
func (s *Service) Choices() []string {
	out := make([]string, 0, len(s.cfg.Durations))
	for _, d := range s.cfg.Durations {
		out = append(out, grant.FormatDuration(d))
	}
	return out
}

// newID returns a random request id with 128 bits of entropy.
func newID() string { return "r_" + rand.Text() }

func notFound(id string) error {
	return problem.New(problem.NotFound, "request_not_found", "there is no access request %q", problem.Clip(id, 80))
}

// Get returns request id, recording its expiry if it is past due.
func (s *Service) Get(ctx context.Context, id string) (Request, error) {
	r, _, err := s.load(ctx, id)
	if err != nil {
		return Request{}, err
	}
	return s.observe(ctx, r)
}

// States are the states a listing may be filtered by.
var States = []string{Pending, Approved, Denied, Expired}

// Filter selects the requests of a listing.
type Filter struct {
	// State keeps only requests in that state (one of States); empty
	// keeps any.
	State string
	// Limit is the most requests to return; 0 means
	// store.DefaultPageSize. It counts requests that pass the filter.
	Limit int
}

// List returns the tenant's requests that pass f, newest first.
func (s *Service) List(ctx context.Context, tenantID string, f Filter) ([]Request, error) {
	if f.State != "" && !slices.Contains(States, f.State) {
		return nil, problem.New(problem.Invalid, "invalid_state", "state must be one of %s, not %q", strings.Join(States, ", "), problem.Clip(f.State, 40))
	}
	ids, err := s.tenantIndex(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	return s.loadAll(ctx, ids, f.Limit, func(r Request) bool { return r.Tenant == tenantID },
		func(r Request) bool { return f.State == "" || r.State == f.State })
}

// ForAgent returns the agent's own requests, newest first, at most limit.
func (s *Service) ForAgent(ctx context.Context, a store.Agent, limit int) ([]Request, error) {
	ids, err := s.readIndex(ctx, kindByAgent, agentKey(a))
	if err != nil {
		return nil, err
	}
	return s.loadAll(ctx, ids, limit, func(r Request) bool { return sameAgent(r.Agent, a) }, nil)
}

// loadAll reads ids in order, skipping ones that are gone or fail keep,
// records the expiry of any past due, and returns at most limit of those
// that then pass want (nil: all).
func (s *Service) loadAll(ctx context.Context, ids []string, limit int, keep, want func(Request) bool) ([]Request, error) {
	limit = store.Page{Limit: limit}.Size()
	out := make([]Request, 0, min(limit, len(ids)))
	for _, id := range ids {
		if len(out) == limit {
			break
		}
		r, _, err := s.load(ctx, id)
		if problem.As(err).Kind == problem.NotFound {
			continue // indexed before it was written, and never written
		}
		if err != nil {
			return nil, err
		}
		if !keep(r) {
			continue
		}
		if r, err = s.observe(ctx, r); err != nil {
			return nil, err
		}
		if want == nil || want(r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// sameAgent reports whether two agents are one IdP identity.
func sameAgent(a, b store.Agent) bool { return a.Issuer == b.Issuer && a.Subject == b.Subject }

// contains reports whether every element of sub is in set.
func contains(set, sub []string) bool {
	for _, x := range sub {
		if !slices.Contains(set, x) {
			return false
		}
	}
	return true
}
