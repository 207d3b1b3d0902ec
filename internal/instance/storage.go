package instance

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/boltstore"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
)

// Storage backends.
const (
	BackendBolt  = "bolt"
	BackendRedis = "redis"
)

// Storage says where Lockbox keeps grants and the audit trail.
type Storage struct {
	// Backend is "bolt" or "redis".
	Backend string
	// URL of the Redis server: redis:// or rediss://.
	URL string
	// Path of the bbolt file; relative to the working directory.
	Path string
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
	// replicas and replicaWait are the audit replicas, for redis: a
	// change opens a store of its own rather than changing one in use.
	replicas    int
	replicaWait time.Duration
}

// key returns the pool key of a valid s. A bolt path is made absolute so
// two spellings of one file share its lock.
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
