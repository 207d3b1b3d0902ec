package redisstore

import (
	"bytes"
	"compress/flate"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	kflate "github.com/klauspost/compress/flate"
	"github.com/redis/go-redis/v9"
)

// Events are appended one hash field each, so an append stays one cheap
// script. Once a bucket of bucketSize consecutive seqs is complete, the
// store replaces its fields with one field, "b<n>" for bucket n (seqs
// n*bucketSize+1 to (n+1)*bucketSize), holding the events' stored JSON,
// one per line, deflated. The events' field names, tenant, actor, grant
// and session repeat from line to line, so a bucket costs a fraction of
// the events stored alone and of the per-field overhead of a Redis hash.
// The JSON is kept byte for byte: reads return, and hashes are checked
// over, exactly what was appended.
const (
	bucketSize = 64
	// maxBucketBytes bounds what a bucket may inflate to, so a damaged or
	// hostile bucket cannot exhaust memory.
	maxBucketBytes = 256 << 20
	// compactTimeout bounds one background compaction.
	compactTimeout = 30 * time.Second
	// maxCompacting bounds compactions in flight; one skipped is done
	// with the next bucket's (compactLater also tries the bucket before).
	maxCompacting = 8
)

var (
	//go:embed lua/compact.lua
	compactSrc    string
	compactScript = redis.NewScript(compactSrc)
)

// bucketOf returns the bucket seq falls in.
func bucketOf(seq int64) int64 { return (seq - 1) / bucketSize }

// bucketField is the audit hash field of bucket b.
func bucketField(b int64) string { return "b" + strconv.FormatInt(b, 10) }

// compactLater compacts, in the background, the buckets an append that
// moved the head from before to after completed.
func (s *Store) compactLater(tenant string, before, after int64) {
	first, last := before/bucketSize, after/bucketSize-1
	if first > last {
		return
	}
	s.mu.Lock()
	if s.closed || s.compacting >= maxCompacting {
		s.mu.Unlock()
		return
	}
	s.compacting++
	s.compactWG.Add(1)
	s.mu.Unlock()
	go func() {
		defer func() {
			s.mu.Lock()
			s.compacting--
			s.mu.Unlock()
			s.compactWG.Done()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), compactTimeout)
		defer cancel()
		// The bucket before is usually done already; trying it again costs
		// one script call and picks up one a skipped or failed run left.
		for b := max(first-1, 0); b <= last; b++ {
			if !s.tails.isDone(tenant, b) {
				_ = s.compactBucket(ctx, tenant, b)
			}
		}
	}()
}

// compactBucket replaces bucket b's events, if all are still stored one by
// one, with the bucket's compressed field. Events are never changed, only
// stored another way, so a failure leaves them as they were.
func (s *Store) compactBucket(ctx context.Context, tenant string, b int64) error {
	k := keysOf(tenant)
	first := b*bucketSize + 1
	joined := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(joined)
	joined.Reset()
	lines := s.tails.take(tenant, b)
	if lines == nil {
		var err error
		if lines, err = s.readBucket(ctx, k, first); lines == nil || err != nil {
			return err
		}
	}
	for i, line := range lines {
		if i > 0 {
			joined.WriteByte('\n')
		}
		joined.Write(line)
	}
	blob := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(blob)
	blob.Reset()
	if err := deflate(blob, joined.Bytes()); err != nil {
		s.tails.failed(tenant, b)
		return err
	}
	last := rawArg(lines[len(lines)-1])
	res, err := compactScript.Run(ctx, s.c, []string{k.audit()},
		first, bucketSize, &last, bucketField(b), blob.Bytes()).Text()
	if err == nil && res == "ok" {
		s.tails.done(tenant, b)
	} else {
		s.tails.failed(tenant, b)
	}
	return err
}

// readBucket reads the stored events of the bucket starting at seq
// first; nil if any of them is not stored alone (compacted, trimmed, or
// not all written yet).
func (s *Store) readBucket(ctx context.Context, k tenantKeys, first int64) ([][]byte, error) {
	fields := make([]string, bucketSize)
	for i := range fields {
		fields[i] = strconv.FormatInt(first+int64(i), 10)
	}
	vals, err := s.c.HMGet(ctx, k.audit(), fields...).Result()
	if err != nil {
		return nil, err
	}
	lines := make([][]byte, len(vals))
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			return nil, nil
		}
		lines[i] = []byte(raw)
	}
	return lines, nil
}

// Buckets are deflated at BestSpeed by klauspost/compress, whose deflate
// the standard library inflates: on event JSON it costs a fifteenth of
// the standard library's BestCompression for about a tenth more bytes,
// and compaction runs for every 64 events of agent traffic. Writers and
// buffers are pooled, as a deflate writer allocates hundreds of KB.
var (
	writerPool = sync.Pool{New: func() any {
		w, _ := kflate.NewWriter(nil, kflate.BestSpeed) // a valid level never fails
		return w
	}}
	bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// deflate writes raw, deflated, to dst.
func deflate(dst *bytes.Buffer, raw []byte) error {
	zw := writerPool.Get().(*kflate.Writer)
	defer writerPool.Put(zw)
	zw.Reset(dst)
	if _, err := zw.Write(raw); err != nil {
		return err
	}
	return zw.Close()
}

// bucketEvents inflates a bucket into its events' JSON by seq.
func bucketEvents(blob string) (map[int64][]byte, error) {
	zr := flate.NewReader(bytes.NewReader([]byte(blob)))
	defer zr.Close()
	raw, err := io.ReadAll(io.LimitReader(zr, maxBucketBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("inflate bucket: %w", err)
	case len(raw) > maxBucketBytes:
		return nil, errors.New("bucket inflates past its limit")
	}
	out := make(map[int64][]byte, bucketSize)
	for line := range bytes.SplitSeq(raw, []byte{'\n'}) {
		var e struct {
			Seq int64 `json:"seq"`
		}
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("bucket event: %w", err)
		}
		out[e.Seq] = line
	}
	return out, nil
}
