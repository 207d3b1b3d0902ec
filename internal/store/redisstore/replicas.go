package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// replicaWait is how many replicas an audit append waits for, and how
// long.
type replicaWait struct {
	n       int
	timeout time.Duration
}

// WaitReplicas makes every audit append count as written only once n
// replicas hold it (Redis WAIT), waiting at most timeout (which must be
// shorter than the client's read timeout); an append that
// reaches fewer fails, and its retry is skipped by event id, not
// duplicated. Call it before the store is used.
func (s *Store) WaitReplicas(n int, timeout time.Duration) {
	s.replicas = replicaWait{n: n, timeout: timeout}
}

// appendAndWait runs the append script and WAIT in one pipeline, so both
// use one connection to the master holding the tenant's keys, and WAIT
// waits for exactly that write.
func (s *Store) appendAndWait(ctx context.Context, keys []string, args []any) ([]string, error) {
	node, err := s.masterFor(ctx, keys[0])
	if err != nil {
		return nil, err
	}
	var script *redis.Cmd
	var wait *redis.Cmd
	_, err = node.Pipelined(ctx, func(p redis.Pipeliner) error {
		script = appendScript.Eval(ctx, p, keys, args...)
		wait = p.Do(ctx, "WAIT", s.replicas.n, s.replicas.timeout.Milliseconds())
		return nil
	})
	if err != nil {
		return nil, err
	}
	res, err := script.StringSlice()
	if err != nil {
		return nil, err
	}
	if len(res) == 1 && res[0] == "ok" {
		if err := s.checkWait(wait); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// syncReplicas waits until the replicas hold every append already made
// to the tenant's chain, by another call whose reply was lost: a write
// on this connection, then WAIT, which the replication stream's order
// makes cover the earlier appends too.
func (s *Store) syncReplicas(ctx context.Context, k tenantKeys) error {
	if s.replicas.n == 0 {
		return nil
	}
	node, err := s.masterFor(ctx, k.auditSync())
	if err != nil {
		return err
	}
	var wait *redis.Cmd
	_, err = node.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, k.auditSync())
		wait = p.Do(ctx, "WAIT", s.replicas.n, s.replicas.timeout.Milliseconds())
		return nil
	})
	if err != nil {
		return err
	}
	return s.checkWait(wait)
}

func (s *Store) checkWait(wait *redis.Cmd) error {
	got, err := wait.Int64()
	if err != nil {
		return fmt.Errorf("waiting for replicas: %w", err)
	}
	if got < int64(s.replicas.n) {
		return fmt.Errorf("audit events reached %d of %d replicas within %s", got, s.replicas.n, s.replicas.timeout)
	}
	return nil
}

// masterFor returns a client whose pipelines run on one connection to the
// master holding key: on Cluster, that key's master; otherwise the client.
func (s *Store) masterFor(ctx context.Context, key string) (redis.Cmdable, error) {
	cc, ok := s.c.(*redis.ClusterClient)
	if !ok {
		return s.c, nil
	}
	node, err := cc.MasterForKey(ctx, key)
	if err != nil {
		return nil, err
	}
	return node, nil
}
