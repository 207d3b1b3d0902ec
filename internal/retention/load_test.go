package retention

import (
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// BenchmarkRetentionLoad writes a bounded synthetic load, days of
// http.request events, into a real Redis with a 7-day window, moving
// each simulated day, and reports what stays in the store and what the
// archive holds. Run with -bench RetentionLoad -benchtime 1x.
func BenchmarkRetentionLoad(b *testing.B) {
	const (
		days      = 30
		perDay    = 5000
		window    = 7 * 24 * time.Hour
		tenantsN  = 2
		batchSize = 500
	)
	for range b.N {
		srv := redistest.Start(b)
		st := testkit.Redis(b, srv.URL())
		dir := b.TempDir()
		c := testkit.NewClock(t0.Add(-days * 24 * time.Hour))
		m, err := New(Config{Store: st, Archive: archive.New(dir), Window: window, Holder: "bench", Now: c.Now})
		if err != nil {
			b.Fatal(err)
		}
		rdb := srv.Client(b)
		tenants := []string{"acme", "globex"}[:tenantsN]
		written := 0
		for range days {
			for _, tn := range tenants {
				seed(b, st, tn, Day(c.Now()), perDay)
				written += perDay
			}
			c.Add(24 * time.Hour)
			for _, tn := range tenants {
				if _, err := m.MoveTenant(b.Context(), tn); err != nil {
					b.Fatal(err)
				}
			}
		}
		var inStore, mem int64
		for _, tn := range tenants {
			k := "lockbox:{" + tn + "}:audit"
			head, _ := st.AuditHead(b.Context(), tn)
			anchor, _ := st.AuditAnchor(b.Context(), tn)
			inStore += head.Seq - anchor.Seq
			for _, key := range []string{k, k + ":time", k + ":head", k + ":anchor"} {
				u, _ := rdb.MemoryUsage(b.Context(), key).Result()
				mem += u
			}
		}
		var archived int64
		_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				fi, _ := d.Info()
				archived += fi.Size()
			}
			return nil
		})
		b.ReportMetric(float64(written), "events_written")
		b.ReportMetric(float64(inStore), "events_in_store")
		b.ReportMetric(float64(mem)/float64(inStore), "redis_bytes/event")
		b.ReportMetric(float64(mem)/1e6, "redis_MB")
		b.ReportMetric(float64(archived)/1e6, "archive_MB")
		b.ReportMetric(float64(archived)/float64(written-int(inStore)), "archive_bytes/event")
		_ = st.Close()
	}
}
