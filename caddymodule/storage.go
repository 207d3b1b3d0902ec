package caddymodule

import "github.com/lockbox-gw/lockbox/internal/instance"

// Storage backends.
const (
	BackendBolt  = instance.BackendBolt
	BackendRedis = instance.BackendRedis
)

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

// clip shortens a value echoed in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
