package redisstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// sessionFields are the session hash fields a read returns, in the order
// the scripts' HMGET calls return them. The session's JSON is in doc, or,
// if it is short, split over d1 to d12 (see session_put.lua).
var sessionFields = []string{"doc", "last_seen", "requests", "ended_at", "end_reason", "refused",
	"d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12"}

// PutSession stores a new session. Its fixed fields go into one JSON
// field; activity and end get fields of their own, so touches and the end
// change them in place without a read-modify-write.
func (s *Store) PutSession(ctx context.Context, sess store.Session) error {
	if err := checkSession(sess.Tenant, sess.ID); err != nil {
		return fmt.Errorf("redis: put session: %w", err)
	}
	doc, err := sessionDoc(sess)
	if err != nil {
		return fmt.Errorf("redis: put session %s: %w", sess.ID, err)
	}
	endedAt := ""
	if sess.EndedAt != nil {
		endedAt = strconv.FormatInt(sess.EndedAt.UnixMicro(), 10)
	}
	k := keysOf(sess.Tenant)
	res, err := sessionPutScript.Run(ctx, s.c, []string{k.session(sess.ID), k.sessions()},
		sess.ID, doc, sess.LastSeen.UnixMicro(), sess.Requests, sess.StartedAt.UnixMicro(), endedAt, sess.EndReason, sess.Refused,
	).Text()
	switch {
	case err != nil:
		return fmt.Errorf("redis: put session %s: %w", sess.ID, err)
	case res == "exists":
		return fmt.Errorf("redis: put session %s: session id already exists", sess.ID)
	}
	return nil
}

// zeroActivity ends a session's JSON with its activity zeroed and no end;
// the activity is kept in fields of its own, so the doc leaves it out.
const zeroActivity = `,"last_seen":"0001-01-01T00:00:00Z","requests":0,"refused":0}`

// sessionDoc is the JSON of the session's fixed fields, less its id and
// tenant, which its key names, and its zero activity: decodeSession puts
// them back, and reads a doc stored with them the same.
func sessionDoc(sess store.Session) (string, error) {
	sess.LastSeen, sess.Requests, sess.Refused, sess.EndedAt, sess.EndReason = time.Time{}, 0, 0, nil, ""
	b, err := json.Marshal(sess)
	if err != nil {
		return "", err
	}
	id, _ := json.Marshal(sess.ID)
	tenant, _ := json.Marshal(sess.Tenant)
	named := append(append(append(append([]byte(`{"id":`), id...), `,"tenant":`...), tenant...), ',')
	if short, ok := bytes.CutPrefix(b, named); ok {
		b = append([]byte{'{'}, short...)
	}
	if short, ok := bytes.CutSuffix(b, []byte(zeroActivity)); ok {
		b = append(short, '}')
	}
	return string(b), nil
}

// GetSession returns one of the tenant's sessions, ended or not.
func (s *Store) GetSession(ctx context.Context, tenant, id string) (store.Session, error) {
	if err := checkSession(tenant, id); err != nil {
		return store.Session{}, fmt.Errorf("redis: get session: %w", err)
	}
	row, err := s.c.HMGet(ctx, keysOf(tenant).session(id), sessionFields...).Result()
	if err != nil {
		return store.Session{}, fmt.Errorf("redis: get session %s: %w", id, err)
	}
	sess, err := decodeSession(append(row, id), tenant)
	if err != nil {
		return store.Session{}, fmt.Errorf("redis: get session %s: %w", id, err)
	}
	return sess, nil
}

// EndSession ends the session if it has not ended yet. The script sets
// the end only if none is set, so one racing caller wins, and publishes
// the change in the same step.
func (s *Store) EndSession(ctx context.Context, tenant, id string, at time.Time, reason string) (store.Session, error) {
	if err := checkSession(tenant, id); err != nil {
		return store.Session{}, fmt.Errorf("redis: end session: %w", err)
	}
	defer s.sessionChanged(tenant, id)
	msg := encodeChange(store.Change{Kind: store.ChangeSession, Tenant: tenant, ID: id})
	row, err := sessionEndScript.Run(ctx, s.c, []string{keysOf(tenant).session(id)},
		at.UnixMicro(), reason, token(), changesChannel, msg,
	).Slice()
	if err != nil {
		return store.Session{}, fmt.Errorf("redis: end session %s: %w", id, err)
	}
	status, _ := first(row).(string)
	switch status {
	case "ok":
	case "ended":
		return store.Session{}, fmt.Errorf("redis: end session %s: %w", id, store.ErrEnded)
	case "notfound":
		return store.Session{}, fmt.Errorf("redis: end session %s: %w", id, store.ErrNotFound)
	default:
		return store.Session{}, fmt.Errorf("redis: end session %s: unexpected reply %v", id, row)
	}
	sess, err := decodeSession(append(row[1:], id), tenant)
	if err != nil {
		return store.Session{}, fmt.Errorf("redis: end session %s: %w", id, err)
	}
	return sess, nil
}

// first returns the first value of row, nil if it is empty.
func first(row []any) any {
	if len(row) == 0 {
		return nil
	}
	return row[0]
}

// TouchSessions adds each touch's activity with one script call per
// touch, all sent in one pipeline. Touches of sessions that do not exist,
// or could not (a malformed tenant or id), are skipped.
//
// Like any command, a touch go-redis retries after losing the reply may
// count its requests twice; activity counts are statistics, not audit.
func (s *Store) TouchSessions(ctx context.Context, touches ...store.Touch) error {
	cmds, err := s.runTouches(ctx, touches, sessionTouchScript.EvalSha)
	if err != nil {
		return fmt.Errorf("redis: touch sessions: %w", err)
	}
	// Redis may not have the script cached yet (first use, or after a
	// restart or SCRIPT FLUSH); resend those touches with its source.
	var missed []store.Touch
	for i, c := range cmds {
		if c != nil && isNoScript(c.Err()) {
			missed = append(missed, touches[i])
		}
	}
	if len(missed) == 0 {
		return nil
	}
	if _, err := s.runTouches(ctx, missed, sessionTouchScript.Eval); err != nil {
		return fmt.Errorf("redis: touch sessions: %w", err)
	}
	return nil
}

// evalFunc runs a script, by digest or by source.
type evalFunc func(ctx context.Context, c redis.Scripter, keys []string, args ...any) *redis.Cmd

// runTouches sends one touch script per touch in one pipeline and returns
// the commands, nil for skipped touches. Errors other than a missing
// script fail the call.
func (s *Store) runTouches(ctx context.Context, touches []store.Touch, eval evalFunc) ([]*redis.Cmd, error) {
	pipe := s.c.Pipeline()
	cmds := make([]*redis.Cmd, len(touches))
	queued := 0
	for i, t := range touches {
		if checkSession(t.Tenant, t.ID) != nil {
			continue
		}
		cmds[i] = eval(ctx, pipe, []string{keysOf(t.Tenant).session(t.ID)}, lastSeenArg(t.LastSeen), t.Requests, t.Refused)
		queued++
	}
	if queued == 0 {
		return cmds, nil
	}
	if _, err := pipe.Exec(ctx); err != nil && !isNoScript(err) {
		return nil, err
	}
	for _, c := range cmds {
		if c != nil && c.Err() != nil && !isNoScript(c.Err()) {
			return nil, c.Err()
		}
	}
	return cmds, nil
}

// lastSeenArg is a touch's last seen time for the touch script: unix
// microseconds, or 0 (no change) for the zero time.
func lastSeenArg(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// isNoScript reports whether err means Redis has not cached the script.
func isNoScript(err error) bool {
	return err != nil && (errors.Is(err, redis.ErrNoScript) || redis.HasErrorPrefix(err, "NOSCRIPT"))
}

// Sessions lists the tenant's sessions newest first. The cursor names the
// last session returned, like grant history's.
func (s *Store) Sessions(ctx context.Context, tenant string, p store.Page) ([]store.Session, string, error) {
	if err := checkTenant(tenant); err != nil {
		return nil, "", fmt.Errorf("redis: sessions: %w", err)
	}
	k := keysOf(tenant)
	rows, size, err := s.pageRows(ctx, sessionsScript, k.sessions(), k.sessionPrefix(), p)
	if err != nil {
		return nil, "", fmt.Errorf("redis: sessions of %s: %w", tenant, err)
	}
	page, next, err := rowPage(rows, size, "session", func(row []any) (store.Session, error) { return decodeSession(row, tenant) })
	if err != nil {
		return nil, "", fmt.Errorf("redis: sessions of %s: %w", tenant, err)
	}
	return page, next, nil
}

// decodeSession assembles a session of tenant from the values of
// sessionFields followed by the session id; store.ErrNotFound if it has
// no doc.
func decodeSession(row []any, tenant string) (store.Session, error) {
	if len(row) != len(sessionFields)+1 {
		return store.Session{}, fmt.Errorf("unexpected session reply of %d values", len(row))
	}
	id, _ := row[len(sessionFields)].(string)
	row = row[:len(sessionFields)]
	doc, ok := row[0].(string)
	if !ok {
		var b strings.Builder
		for _, part := range row[6:] {
			p, _ := part.(string)
			b.WriteString(p)
		}
		if doc = b.String(); doc == "" {
			return store.Session{}, store.ErrNotFound
		}
	}
	var sess store.Session
	if err := json.Unmarshal([]byte(doc), &sess); err != nil {
		return store.Session{}, fmt.Errorf("decode session: %w", err)
	}
	if sess.ID == "" && sess.Tenant == "" {
		sess.ID, sess.Tenant = id, tenant
	}
	var err error
	if sess.LastSeen, err = microsField(row[1], "last_seen"); err != nil {
		return store.Session{}, err
	}
	if sess.Requests, err = intField(row[2], "requests"); err != nil {
		return store.Session{}, err
	}
	if sess.Refused, err = intField(row[5], "refused"); err != nil {
		return store.Session{}, err
	}
	if _, ended := row[3].(string); ended {
		at, err := microsField(row[3], "ended_at")
		if err != nil {
			return store.Session{}, err
		}
		sess.EndedAt = &at
		sess.EndReason, _ = row[4].(string)
	}
	return sess, nil
}

// intField parses a numeric hash field; a missing one is 0.
func intField(v any, name string) (int64, error) {
	s, ok := v.(string)
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("decode session %s: %w", name, err)
	}
	return n, nil
}

// microsField parses a time kept as unix microseconds; a missing one is
// the zero time.
func microsField(v any, name string) (time.Time, error) {
	if _, ok := v.(string); !ok {
		return time.Time{}, nil
	}
	us, err := intField(v, name)
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMicro(us).UTC(), nil
}

// checkSession rejects a tenant or session id that cannot name a session.
func checkSession(tenant, id string) error {
	if err := checkTenant(tenant); err != nil {
		return err
	}
	return checkSessionID(id)
}
