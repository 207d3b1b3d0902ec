package caddymodule

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"
	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/redistest"
)

// changesChannel is the Redis channel of the change feed.
const changesChannel = "lockbox:changes"

// feedSites is how many sites TestOneFeedPerStore serves from one store.
const feedSites = 3

// TestOneFeedPerStore serves three sites from one Redis store and counts
// the change-feed subscribers Redis sees (PUBSUB NUMSUB): one for the
// instance, not one per site, before and after a reload. Publishes per
// second are logged for the record.
func TestOneFeedPerStore(t *testing.T) {
	rs := redistest.Start(t)
	rc := rs.Client(t)
	cfg := feedSitesCaddyfile(t, rs.URL())
	startCaddy(t, cfg)
	heartbeatsSeen(t, rc, 2*feedSites)
	assertSubscribers(t, rc, 1)
	logPublishRate(t, rc)

	if code, body := loadCaddyfile(t, cfg); code != 200 {
		t.Fatalf("reload: %d %s", code, body)
	}
	heartbeatsSeen(t, rc, 2*feedSites)
	assertSubscribers(t, rc, 1)
}

// feedSitesCaddyfile is a config of feedSites sites on the Redis at url.
func feedSitesCaddyfile(t *testing.T, url string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n\tadmin localhost:%d\n\tdefault_bind 127.0.0.1\n\tlockbox {\n\t\tstorage redis %s\n\t}\n}\n", caddytest.Default.AdminPort, url)
	for range feedSites {
		fmt.Fprintf(&b, `
http://127.0.0.1:%d {
	lockbox {
		oidc http://127.0.0.1:9/idp {
			client_id lockbox
		}
		role support groups support scopes read
	}
	respond "app"
}
`, loopbackPort(t))
	}
	return b.String()
}

// heartbeatsSeen waits until a subscriber of the test's own has heard n
// heartbeats: by then every site has long been following the feed, had
// each followed it on its own.
func heartbeatsSeen(t *testing.T, rc *redis.Client, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ps := rc.Subscribe(ctx, changesChannel)
	defer ps.Close()
	for seen := 0; seen < n; {
		msg, err := ps.ReceiveMessage(ctx)
		if err != nil {
			t.Fatalf("heard %d heartbeats of %d: %v", seen, n, err)
		}
		if strings.Contains(msg.Payload, `"heartbeat"`) {
			seen++
		}
	}
}

// assertSubscribers checks how many clients, the test's own excluded,
// subscribe to the change feed.
func assertSubscribers(t *testing.T, rc *redis.Client, want int64) {
	t.Helper()
	n, err := rc.PubSubNumSub(context.Background(), changesChannel).Result()
	if err != nil {
		t.Fatal(err)
	}
	if got := n[changesChannel]; got != want {
		t.Errorf("change feed subscribers with %d sites = %d, want %d", feedSites, got, want)
	}
}

// logPublishRate logs the publishes per second Redis counts while the
// test's subscriber hears eight heartbeats.
func logPublishRate(t *testing.T, rc *redis.Client) {
	t.Helper()
	before, start := publishCalls(t, rc), time.Now()
	heartbeatsSeen(t, rc, 4)
	rate := float64(publishCalls(t, rc)-before) / time.Since(start).Seconds()
	t.Logf("%d sites on one instance: %.1f publishes per second", feedSites, rate)
}

// publishCalls is Redis's count of PUBLISH commands.
func publishCalls(t *testing.T, rc *redis.Client) int64 {
	t.Helper()
	info, err := rc.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	var calls int64
	for line := range strings.SplitSeq(info, "\n") {
		if rest, ok := strings.CutPrefix(line, "cmdstat_publish:calls="); ok {
			fmt.Sscanf(rest, "%d", &calls)
		}
	}
	return calls
}
