package auditverify_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/auditverify"
	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/retention"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

var (
	now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	day = retention.Day(now)
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// fixture is a tenant whose three oldest days moved to the archive, with
// one checkpoint signed before the move and one after.
type fixture struct {
	st      store.Store
	arch    *archive.Archive
	keys    *token.Keys
	cps     []auditverify.Checkpoint
	jwks    []byte
	srv     *redistest.Server
	tenant  string
	archDir string
}

func openBolt(t *testing.T) (store.Store, *redistest.Server) { return testkit.Bolt(t), nil }

func openRedis(t *testing.T) (store.Store, *redistest.Server) {
	srv, s := testkit.NewRedis(t)
	return s, srv
}

func setup(t *testing.T, open func(*testing.T) (store.Store, *redistest.Server)) *fixture {
	t.Helper()
	st, srv := open(t)
	f := &fixture{st: st, srv: srv, tenant: "acme", archDir: t.TempDir()}
	f.arch = archive.New(f.archDir)
	clock := func() time.Time { return now }
	f.keys = token.NewKeys(st, clock)
	for d := 5; d >= 3; d-- {
		appendDay(t, st, day.Add(-time.Duration(d)*24*time.Hour), 100)
	}
	appendDay(t, st, day, 10)
	svc := &checkpoint.Service{Store: st, Keys: f.keys, Archive: f.arch, Now: clock}
	f.sign(t, svc, "before-move.jws")
	m, err := retention.New(retention.Config{Store: st, Archive: f.arch, Window: 48 * time.Hour, Holder: "gw", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if moved, err := m.MoveTenant(ctx(t), f.tenant); err != nil || moved != 300 {
		t.Fatalf("MoveTenant = %d, %v", moved, err)
	}
	appendDay(t, st, day.Add(time.Hour), 5)
	f.sign(t, svc, "after-move.jws")
	if f.jwks, err = f.keys.JWKS(); err != nil {
		t.Fatal(err)
	}
	return f
}

func appendDay(t *testing.T, st store.Store, d time.Time, n int) {
	t.Helper()
	events := make([]store.Event, n)
	for i := range events {
		events[i] = store.Event{Type: "http.request", Time: d.Add(time.Duration(i) * time.Minute), Data: []byte(fmt.Sprintf(`{"path":"/p%d"}`, i))}
	}
	if _, err := st.AppendEvents(ctx(t), "acme", events...); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) sign(t *testing.T, svc *checkpoint.Service, name string) {
	cp, err := svc.SignTenant(ctx(t), f.tenant)
	if err != nil {
		t.Fatal(err)
	}
	f.cps = append(f.cps, auditverify.Checkpoint{Name: name, JWS: cp.JWS})
}

func (f *fixture) verify(t *testing.T) auditverify.Report {
	t.Helper()
	r, err := auditverify.Verify(ctx(t), f.st, auditverify.Options{Tenant: f.tenant, Archive: f.arch, Checkpoints: f.cps, JWKS: [][]byte{f.jwks}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// dayFile is the path of a day's file in the archive.
func (f *fixture) dayFile(daysAgo int) string {
	return filepath.Join(f.archDir, f.tenant, "events", archive.DayName(day.Add(-time.Duration(daysAgo)*24*time.Hour)))
}

// rewriteDay edits a day file's lines behind the archive's back and
// compresses it again.
func rewriteDay(t *testing.T, path string, edit func(lines []string) []string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := edit(strings.Split(strings.TrimSuffix(string(plain), "\n"), "\n"))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(strings.Join(lines, "\n") + "\n"))
	_ = zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o640); err != nil {
		t.Fatal(err)
	}
}

// expect fails unless the report names a problem of kind with seq and
// file (0 and "" match anything).
func expect(t *testing.T, r auditverify.Report, kind string, seq int64, file string) {
	t.Helper()
	if r.OK {
		t.Fatalf("Verify passed; want %s", kind)
	}
	for _, p := range r.Problems {
		if p.Kind == kind && (seq == 0 || p.Seq == seq) && (file == "" || p.File == file) {
			return
		}
	}
	t.Fatalf("problems %v; want %s at seq %d in %q", r.Problems, kind, seq, file)
}

func TestVerifyAcrossTheCut(t *testing.T) {
	for name, open := range map[string]func(*testing.T) (store.Store, *redistest.Server){"bolt": openBolt, "redis": openRedis} {
		t.Run(name, func(t *testing.T) {
			f := setup(t, open)
			r := f.verify(t)
			if !r.OK || r.Archived != 300 || r.Stored != 15 || r.Checkpoints != 2 || r.From != 1 || r.Head.Seq != 315 {
				t.Fatalf("Verify = %+v", r)
			}
		})
	}
}

func TestVerifyNamesArchiveTampering(t *testing.T) {
	edit := func(lines []string, i int, rehash bool) []string {
		var e store.Event
		if err := json.Unmarshal([]byte(lines[i]), &e); err != nil {
			panic(err)
		}
		e.Data = []byte(`{"path":"/innocent"}`)
		if rehash {
			e.Hash, _ = e.ComputeHash()
		}
		b, _ := json.Marshal(e)
		lines[i] = string(b)
		return lines
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, f *fixture)
		kind   string
		seq    int64
		file   string
	}{
		{"edited line", func(t *testing.T, f *fixture) {
			rewriteDay(t, f.dayFile(4), func(l []string) []string { return edit(l, 10, false) })
		}, auditverify.ArchiveEdited, 111, "2026-03-06.jsonl.gz"},
		{"edited and rehashed line", func(t *testing.T, f *fixture) {
			rewriteDay(t, f.dayFile(4), func(l []string) []string { return edit(l, 10, true) })
		}, auditverify.LinkBroken, 112, "2026-03-06.jsonl.gz"},
		{"removed line", func(t *testing.T, f *fixture) {
			rewriteDay(t, f.dayFile(4), func(l []string) []string { return append(l[:10], l[11:]...) })
		}, auditverify.MissingEvents, 111, "2026-03-06.jsonl.gz"},
		{"truncated file", func(t *testing.T, f *fixture) {
			raw, _ := os.ReadFile(f.dayFile(5))
			_ = os.WriteFile(f.dayFile(5), raw[:len(raw)/2], 0o640)
		}, auditverify.ArchiveDamaged, 0, "2026-03-05.jsonl.gz"},
		{"missing middle day", func(t *testing.T, f *fixture) {
			_ = os.Remove(f.dayFile(4))
		}, auditverify.MissingEvents, 101, "2026-03-07.jsonl.gz"},
		{"missing first day", func(t *testing.T, f *fixture) {
			_ = os.Remove(f.dayFile(5))
		}, auditverify.MissingEvents, 1, "2026-03-06.jsonl.gz"},
		{"missing last day", func(t *testing.T, f *fixture) {
			_ = os.Remove(f.dayFile(3))
		}, auditverify.MissingEvents, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, openBolt)
			tt.tamper(t, f)
			expect(t, f.verify(t), tt.kind, tt.seq, tt.file)
		})
	}
}

func TestVerifyNamesBadCheckpoints(t *testing.T) {
	f := setup(t, openBolt)
	key, err := f.keys.Signer()
	if err != nil {
		t.Fatal(err)
	}
	ahead, err := checkpoint.Sign(key, f.tenant, store.Head{Seq: 999, Hash: "ab"}, now)
	if err != nil {
		t.Fatal(err)
	}
	other, err := checkpoint.Sign(key, "globex", store.Head{Seq: 1, Hash: "ab"}, now)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(f.cps[1].JWS, ".")
	payload := strings.Replace(parts[1], parts[1][:4], "eyJ4", 1) // another payload, same signature
	f.cps = []auditverify.Checkpoint{
		{Name: "forged.jws", JWS: parts[0] + "." + payload + "." + parts[2]},
		{Name: "ahead.jws", JWS: ahead.JWS},
		{Name: "other.jws", JWS: other.JWS},
		{Name: "junk.jws", JWS: "not a jws"},
	}
	r := f.verify(t)
	expect(t, r, auditverify.CheckpointBadSig, 0, "forged.jws")
	expect(t, r, auditverify.CheckpointAhead, 999, "ahead.jws")
	expect(t, r, auditverify.CheckpointTenant, 0, "other.jws")
	expect(t, r, auditverify.CheckpointMalformed, 0, "junk.jws")

	f.jwks = []byte(`{"keys":[]}`)
	f.cps = f.cps[1:2]
	expect(t, f.verify(t), auditverify.CheckpointUnknown, 0, "ahead.jws")
}

// TestVerifyCatchesRewrittenStoreChain rewrites the stored chain from an
// event on and recomputes every hash after it, as someone controlling
// Redis could: the store's own check passes, the saved checkpoint does
// not.
func TestVerifyCatchesRewrittenStoreChain(t *testing.T) {
	f := setup(t, openRedis)
	kept, err := f.st.Events(ctx(t), f.tenant, store.EventQuery{Limit: store.MaxPageSize})
	if err != nil || len(kept) != 15 {
		t.Fatalf("Events = %d, %v", len(kept), err)
	}
	prev := store.Head{Seq: kept[1].Seq, Hash: kept[1].Hash, Time: kept[1].Time}
	rest := append([]store.Event(nil), kept[2:]...)
	rest[0].Data = []byte(`{"path":"/innocent"}`)
	relinked, encoded, head, err := store.LinkAllJSON(prev, f.tenant, rest)
	if err != nil {
		t.Fatal(err)
	}
	c := f.srv.Client(t)
	for i, e := range relinked {
		if err := c.HSet(ctx(t), "lockbox:{acme}:audit", fmt.Sprint(e.Seq), encoded[i]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	rawHead, _ := json.Marshal(head)
	if err := c.Set(ctx(t), "lockbox:{acme}:audit:head", rawHead, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := store.Verify(ctx(t), f.st, f.tenant); err != nil || !v.OK {
		t.Fatalf("store.Verify of the rewritten chain = %+v, %v; the rewrite should be self-consistent", v, err)
	}
	expect(t, f.verify(t), auditverify.CheckpointMismatch, 315, "after-move.jws")
}
