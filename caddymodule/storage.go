package caddymodule

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/boltstore"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
)

// Storage backends.
const (
	BackendBolt  = "bolt"
	BackendRedis = "redis"
)

// defaultBoltFile is the store file, in Caddy's data directory, used when
// no storage is configured.
const defaultBoltFile = "lockbox.db"

// Storage says where Lockbox keeps grants and the audit trail.
type Storage struct {
	// Backend is "bolt" (one file on this machine) or "redis" (shared by
	// every instance).
	Backend string `json:"backend,omitempty"`

	// URL of the Redis server, for the redis backend: redis:// or
	// rediss:// (TLS). Placeholders such as {env.LOCKBOX_REDIS_URL} are
	// replaced when the config is loaded.
	URL string `json:"url,omitempty"`

	// Path of the bbolt file, for the bolt backend. Placeholders are
	// replaced when the config is loaded; a relative path is relative to
	// the working directory.
	Path string `json:"path,omitempty"`
}

// defaultStorage is the bolt file in Caddy's data directory.
func defaultStorage() Storage {
	return Storage{Backend: BackendBolt, Path: filepath.Join(caddy.AppDataDir(), defaultBoltFile)}
}

// resolve returns s with its placeholders replaced.
func (s Storage) resolve(repl *caddy.Replacer) Storage {
	s.URL = repl.ReplaceKnown(s.URL, "")
	s.Path = repl.ReplaceKnown(s.Path, "")
	return s
}

// validate checks s without touching the network or the disk. Messages
// never quote the URL, which may hold a password.
func (s Storage) validate() error {
	switch s.Backend {
	case BackendBolt:
		return s.validateBolt()
	case BackendRedis:
		return s.validateRedis()
	case "":
		return errors.New("storage backend is required: use bolt or redis")
	}
	return fmt.Errorf("unknown storage backend %q: use bolt or redis", clip(s.Backend))
}

func (s Storage) validateBolt() error {
	if s.URL != "" {
		return errors.New("storage url is for the redis backend; the bolt backend takes a path")
	}
	if strings.TrimSpace(s.Path) == "" {
		return errors.New("bolt storage needs a path (is its environment variable set?)")
	}
	return nil
}

func (s Storage) validateRedis() error {
	if s.Path != "" {
		return errors.New("storage path is for the bolt backend; the redis backend takes a url")
	}
	if strings.TrimSpace(s.URL) == "" {
		return errors.New("redis storage needs a url (is its environment variable set?)")
	}
	if u, err := url.Parse(s.URL); err == nil && u.Scheme != "redis" && u.Scheme != "rediss" {
		return errors.New("redis storage url must start with redis:// or rediss://")
	}
	// ParseURL checks the rest offline; its errors never repeat the password.
	if _, err := redisstore.ParseURL(s.URL); err != nil {
		return fmt.Errorf("invalid redis storage url: %w", err)
	}
	return nil
}

// poolKey identifies one store connection: configs that name the same
// backend and address share it across reloads.
type poolKey struct {
	backend string
	addr    string
	// replicas and replicaWait are audit_replicas, for redis: a change
	// opens a store of its own rather than changing one in use.
	replicas    int
	replicaWait time.Duration
}

// key returns the pool key of a resolved, valid s. A bolt path is made
// absolute so two spellings of one file share its lock.
func (s Storage) key() (poolKey, error) {
	if s.Backend == BackendRedis {
		return poolKey{backend: BackendRedis, addr: s.URL}, nil
	}
	abs, err := filepath.Abs(s.Path)
	if err != nil {
		return poolKey{}, fmt.Errorf("bolt storage path: %v", err)
	}
	return poolKey{backend: BackendBolt, addr: abs}, nil
}

// where describes the store for logs: the bolt file, or the Redis host
// without credentials.
func (k poolKey) where() string {
	if k.backend == BackendBolt {
		return k.addr
	}
	u, err := url.Parse(k.addr)
	if err != nil {
		return "redis"
	}
	return u.Host
}

// stores holds the open stores. A reload provisions the new config before
// the old one is cleaned up, so the new config picks up the same store,
// and the bolt file's lock is never contended.
var stores = caddy.NewUsagePool()

// pooledStore closes its store when the last config using it is cleaned up.
type pooledStore struct {
	store.Store
}

// Destruct implements caddy.Destructor.
func (p pooledStore) Destruct() error { return p.Close() }

// acquireStore returns the store for k, opening it if no config holds it.
// Every successful call must be paired with releaseStore.
func acquireStore(k poolKey) (store.Store, bool, error) {
	val, loaded, err := stores.LoadOrNew(k, func() (caddy.Destructor, error) {
		st, err := openStore(k)
		if err != nil {
			return nil, err
		}
		return pooledStore{lockboxMetrics.Instrument(st, k.backend)}, nil
	})
	if err != nil {
		return nil, false, err
	}
	return val.(pooledStore).Store, loaded, nil
}

// releaseStore drops one use of the store for k, closing it with the last.
func releaseStore(k poolKey) error {
	_, err := stores.Delete(k)
	return err
}

// openStore opens the backend. Neither backend waits on the network here:
// redisstore connects lazily, bolt waits at most a second for its lock.
func openStore(k poolKey) (store.Store, error) {
	if k.backend == BackendRedis {
		st, err := redisstore.Open(k.addr)
		if err != nil {
			return nil, fmt.Errorf("opening redis storage: %w", err)
		}
		if k.replicas > 0 {
			st.WaitReplicas(k.replicas, k.replicaWait)
		}
		return st, nil
	}
	st, err := boltstore.Open(k.addr)
	if err != nil {
		return nil, fmt.Errorf("opening bolt storage: %w", err)
	}
	return st, nil
}

// clip shortens a value echoed in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
