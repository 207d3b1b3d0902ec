package redisstore

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Bounds that make an unreachable Redis fail fast instead of hanging. A URL
// may override each with the matching query option.
const (
	defaultDialTimeout  = 2 * time.Second
	defaultReadTimeout  = 2 * time.Second
	defaultWriteTimeout = 2 * time.Second
	defaultPoolTimeout  = 3 * time.Second
	defaultMaxRetries   = 2
)

// ParseURL turns a Redis URL into client options. The forms are:
//
//	redis://[user:password@]host:port[/db][?option=value...]   one node
//	rediss://...                                               the same over TLS
//	redis://host1:port?addr=host2:port&addr=host3:port         Redis Cluster, seed nodes
//	redis://host:port?cluster=true                             Redis Cluster, one seed
//	redis://sentinel1:port?master_name=main&addr=sentinel2:port
//	                                                           Sentinel; the user info
//	                                                           authenticates to the master
//
// Other options are those of go-redis's ParseURL, e.g. dial_timeout,
// read_timeout, write_timeout, max_retries, pool_size, skip_verify.
// Errors name the problem but never repeat the password.
func ParseURL(rawURL string) (*redis.UniversalOptions, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, badURL(parseProblem(rawURL, err))
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, badURL(fmt.Sprintf("scheme %q is not redis or rediss", u.Scheme))
	}
	if u.Hostname() == "" {
		return nil, badURL("no host")
	}
	topo, err := takeTopology(u)
	if err != nil {
		return nil, badURL(err.Error())
	}
	o, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, badURL(strings.TrimPrefix(err.Error(), "redis: "))
	}
	uo := universal(o, topo)
	if uo.MasterName == "" && (uo.IsClusterMode || len(uo.Addrs) > 1) && uo.DB != 0 {
		return nil, badURL("Redis Cluster has only database 0")
	}
	return uo, nil
}

// topology is what the URL says beyond one node.
type topology struct {
	addrs   []string // more seed addresses
	master  string   // Sentinel master name
	cluster bool
}

// takeTopology removes the options go-redis's ParseURL does not know from
// u's query and returns them.
func takeTopology(u *url.URL) (topology, error) {
	q := u.Query()
	var t topology
	for _, a := range q["addr"] {
		if err := checkAddr(a); err != nil {
			return t, err
		}
		t.addrs = append(t.addrs, a)
	}
	t.master = q.Get("master_name")
	if q.Has("master_name") && t.master == "" {
		return t, errors.New("master_name is empty")
	}
	if v := q.Get("cluster"); v != "" {
		c, err := strconv.ParseBool(v)
		if err != nil {
			return t, fmt.Errorf("cluster=%q is not a boolean", v)
		}
		t.cluster = c
	}
	if t.cluster && t.master != "" {
		return t, errors.New("cluster and master_name exclude each other")
	}
	q.Del("addr")
	q.Del("master_name")
	q.Del("cluster")
	u.RawQuery = q.Encode()
	return t, nil
}

func checkAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil || host == "" || port == "" {
		return fmt.Errorf("addr %q is not host:port", a)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("addr %q has a bad port", a)
	}
	return nil
}

// universal builds the options for redis.NewUniversalClient, which picks a
// Sentinel client when there is a master name, a Cluster client when there
// are several addresses or cluster=true, and a single-node client
// otherwise.
func universal(o *redis.Options, t topology) *redis.UniversalOptions {
	uo := &redis.UniversalOptions{
		Addrs:                 append([]string{o.Addr}, t.addrs...),
		MasterName:            t.master,
		IsClusterMode:         t.cluster,
		ClientName:            o.ClientName,
		DB:                    o.DB,
		Protocol:              o.Protocol,
		Username:              o.Username,
		Password:              o.Password,
		MaxRetries:            o.MaxRetries,
		MinRetryBackoff:       o.MinRetryBackoff,
		MaxRetryBackoff:       o.MaxRetryBackoff,
		DialTimeout:           o.DialTimeout,
		ReadTimeout:           o.ReadTimeout,
		WriteTimeout:          o.WriteTimeout,
		ContextTimeoutEnabled: true,
		PoolFIFO:              o.PoolFIFO,
		PoolSize:              o.PoolSize,
		PoolTimeout:           o.PoolTimeout,
		MinIdleConns:          o.MinIdleConns,
		MaxIdleConns:          o.MaxIdleConns,
		MaxActiveConns:        o.MaxActiveConns,
		ConnMaxIdleTime:       o.ConnMaxIdleTime,
		ConnMaxLifetime:       o.ConnMaxLifetime,
		TLSConfig:             o.TLSConfig,
		// One dial per attempt: command retries already try again, and
		// more dials would multiply the time an unreachable Redis takes
		// to report an error.
		DialerRetries: 1,
	}
	applyBounds(uo)
	if uo.TLSConfig != nil && (t.master != "" || t.cluster || len(t.addrs) > 0) {
		// Verify each node against its own name, not the first host's.
		uo.TLSConfig.ServerName = ""
	}
	return uo
}

// applyBounds fills in the bounded defaults the URL left unset.
func applyBounds(uo *redis.UniversalOptions) {
	if uo.DialTimeout == 0 {
		uo.DialTimeout = defaultDialTimeout
	}
	if uo.ReadTimeout == 0 {
		uo.ReadTimeout = defaultReadTimeout
	}
	if uo.WriteTimeout == 0 {
		uo.WriteTimeout = defaultWriteTimeout
	}
	if uo.PoolTimeout == 0 {
		uo.PoolTimeout = defaultPoolTimeout
	}
	if uo.MaxRetries == 0 {
		uo.MaxRetries = defaultMaxRetries
	}
}

// parseProblem describes a URL that does not parse. net/url quotes the
// offending text, which may be part of the password, so it is only shown
// when the URL has no user info.
func parseProblem(rawURL string, err error) string {
	if strings.Contains(rawURL, "@") {
		return "malformed (check that special characters in the user info are percent-encoded)"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return "malformed"
}

func badURL(problem string) error {
	return fmt.Errorf("redis: bad url: %s", problem)
}
