package redisstore_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
)

func TestParseURL(t *testing.T) {
	good := []struct {
		url     string
		addrs   []string
		db      int
		master  string
		cluster bool
		tls     bool
		user    string
		read    time.Duration
	}{
		{url: "redis://127.0.0.1:6379/0", addrs: []string{"127.0.0.1:6379"}, read: 2 * time.Second},
		{url: "redis://localhost", addrs: []string{"localhost:6379"}, read: 2 * time.Second},
		{url: "redis://u:s3cret@db:6380/3?read_timeout=5s", addrs: []string{"db:6380"}, db: 3, user: "u", read: 5 * time.Second},
		{url: "rediss://:pw@cache.example:6380", addrs: []string{"cache.example:6380"}, tls: true, read: 2 * time.Second},
		{url: "redis://a:7000?addr=b:7001&addr=c:7002", addrs: []string{"a:7000", "b:7001", "c:7002"}, read: 2 * time.Second},
		{url: "redis://a:7000?cluster=true", addrs: []string{"a:7000"}, cluster: true, read: 2 * time.Second},
		{url: "redis://s1:26379/2?master_name=main&addr=s2:26379", addrs: []string{"s1:26379", "s2:26379"}, db: 2, master: "main", read: 2 * time.Second},
	}
	for _, c := range good {
		t.Run(c.url, func(t *testing.T) {
			o, err := redisstore.ParseURL(c.url)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if !slices.Equal(o.Addrs, c.addrs) || o.DB != c.db || o.MasterName != c.master ||
				o.IsClusterMode != c.cluster || (o.TLSConfig != nil) != c.tls || o.Username != c.user || o.ReadTimeout != c.read {
				t.Fatalf("options = %+v", o)
			}
			if o.DialTimeout != 2*time.Second || o.WriteTimeout != 2*time.Second || o.MaxRetries != 2 {
				t.Fatalf("unbounded: dial %s, write %s, retries %d", o.DialTimeout, o.WriteTimeout, o.MaxRetries)
			}
		})
	}

	bad := []struct{ url, problem string }{
		{"http://host:6379", `scheme "http"`},
		{"redis://", "no host"},
		{"redis://host:6379/x", "database"},
		{"redis://host:6379?addr=nope", `addr "nope"`},
		{"redis://host:6379?addr=h:99999", "bad port"},
		{"redis://host:6379?master_name=", "master_name is empty"},
		{"redis://host:6379?cluster=maybe", "cluster"},
		{"redis://host:6379?cluster=1&master_name=m", "exclude"},
		{"redis://a:1/1?addr=b:2", "only database 0"},
		{"redis://host:6379?frobnicate=1", "frobnicate"},
		{"redis://user:hunter2@host:6379/x", "database"},
		{"redis://user:hun%zzter2@host:6379", "percent-encoded"},
		{"redis://host:6379?read_timeout=soon", "read_timeout"},
	}
	for _, c := range bad {
		t.Run(c.url, func(t *testing.T) {
			_, err := redisstore.ParseURL(c.url)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "redis: bad url: ") || !strings.Contains(msg, c.problem) {
				t.Fatalf("error %q does not name %q", msg, c.problem)
			}
			if strings.Contains(msg, "hunter2") || strings.Contains(msg, "hun%zz") {
				t.Fatalf("error %q leaks the password", msg)
			}
		})
	}
}

func TestOpenRejectsBadURL(t *testing.T) {
	if _, err := redisstore.Open("redis://host:6379?addr=nope"); err == nil {
		t.Fatal("Open accepted a bad URL")
	}
}
