package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is the unit of /proc/<pid>/stat's CPU times (USER_HZ), 100
// on every Linux the bench runs on.
const clockTicks = 100

// cpuTime is the CPU time (user and system) process pid has used so
// far, read from /proc; 0 when it cannot be read (not Linux, exited).
// Together with the requests a run completed it gives CPU per request,
// which, unlike requests a second, holds still on a busy machine.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after its closing parenthesis.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	// utime and stime are fields 14 and 15 of the whole line, 12 and
	// 13 after the name (from 1).
	if len(f) < 13 {
		return 0
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(u+s) * time.Second / clockTicks
}

// cpuSample is the CPU time of the gateway serving a scenario and of
// redis-server at one moment.
type cpuSample struct{ gateway, redis time.Duration }

// sampleCPU reads the CPU used so far by g and redis-server.
func (b *bench) sampleCPU(g *gateway) cpuSample {
	s := cpuSample{gateway: cpuTime(g.proc.cmd.Process.Pid)}
	if b.redis != nil {
		s.redis = cpuTime(b.redis.cmd.Process.Pid)
	}
	return s
}

// perRequest is the CPU the gateway and redis-server used between a and
// z, per request of n.
func perRequest(a, z cpuSample, n int64) (gateway, redis time.Duration) {
	if n <= 0 {
		return 0, 0
	}
	return (z.gateway - a.gateway) / time.Duration(n), (z.redis - a.redis) / time.Duration(n)
}

// profileCPU saves a CPU profile of gateway g, taken over d from Caddy's
// admin endpoint, as dir/<name>.pprof; it runs alongside a measured run,
// so its cost is in that run.
func profileCPU(ctx context.Context, g *gateway, dir, name string, d time.Duration) error {
	secs := max(1, int(d/time.Second)-1)
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", g.admin, secs)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Timeout: d + wrkSlack}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	f, err := os.Create(filepath.Join(dir, name+".pprof"))
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
