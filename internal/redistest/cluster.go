package redistest

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterMasters is how many masters a test cluster has: the fewest Redis
// Cluster accepts.
const clusterMasters = 3

// Cluster is a throwaway Redis Cluster of three masters and no replicas,
// on free loopback ports, stopped when the test ends.
type Cluster struct {
	t     testing.TB
	nodes []*Server
}

// StartCluster runs three redis-server processes in cluster mode, joins
// them with `redis-cli --cluster create`, and waits until every node
// reports the cluster ok. It fails the test if redis-server or redis-cli
// is missing.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatalf("redis-cli not found on PATH: install it with `apt-get install -y redis-tools`")
	}
	c := &Cluster{t: t}
	for range clusterMasters {
		c.nodes = append(c.nodes, start(t, func(bus int) []string {
			return []string{"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(bus),
				"--cluster-node-timeout", "5000"}
		}))
	}
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	c.waitOK()
	return c
}

// Addrs returns the host:port of every node.
func (c *Cluster) Addrs() []string {
	var addrs []string
	for _, n := range c.nodes {
		addrs = append(addrs, n.Addr())
	}
	return addrs
}

// URL returns a redis:// URL naming every node as a seed, in the form
// redisstore.ParseURL reads as Redis Cluster.
func (c *Cluster) URL() string {
	addrs := c.Addrs()
	return "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
}

// Client returns a cluster client, closed when t ends.
func (c *Cluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:        c.Addrs(),
		DialTimeout:  2 * time.Second,
		ReadTimeout:  2 * time.Second,
		WriteTimeout: 2 * time.Second,
	})
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// FlushAll deletes every key on every master.
func (c *Cluster) FlushAll(t testing.TB) {
	t.Helper()
	for _, n := range c.nodes {
		n.FlushAll(t)
	}
}

// waitOK polls CLUSTER INFO on every node until each says the cluster is
// ok, which takes a moment after the slots are assigned.
func (c *Cluster) waitOK() {
	c.t.Helper()
	deadline := time.Now().Add(readyTimeout * 2)
	for _, n := range c.nodes {
		cl := n.Client(c.t)
		for {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			info, err := cl.ClusterInfo(ctx).Result()
			cancel()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				c.t.Fatalf("redistest: node %s not ok within %s: %v %.200s", n.Addr(), readyTimeout*2, err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// String names the cluster's nodes, for logs.
func (c *Cluster) String() string { return fmt.Sprintf("redis cluster %v", c.Addrs()) }
