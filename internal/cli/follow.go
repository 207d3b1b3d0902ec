package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"
)

// FollowInterval is how often `lockbox audit --follow` asks for new events.
const FollowInterval = time.Second

// Follow prints the tenant's audit events as they are appended, until ctx
// ends: from o.Since when given, otherwise from now on. With o.JSON each
// event is one line of JSON (JSON Lines), so scripts can read a stream.
func (c *Client) Follow(ctx context.Context, o AuditOptions, every time.Duration) error {
	path, err := auditPath(o)
	if err != nil {
		return err
	}
	since, err := ParseSince(o.Since, c.now())
	if err != nil {
		return err
	}
	if since.IsZero() {
		since = c.now()
	}
	q := eventQuery{since: since, limit: auditPage}
	table := newFollowTable(c.Out)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		page, err := c.readEvents(path, q)
		if err != nil {
			return err
		}
		if err := c.printFollowed(page.Events, o.JSON, table, &q); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// printFollowed prints new events, as JSON lines or as rows of table,
// and moves q past them.
func (c *Client) printFollowed(events []json.RawMessage, asJSON bool, table *followTable, q *eventQuery) error {
	if len(events) == 0 {
		return nil
	}
	var last struct {
		Seq int64 `json:"seq"`
	}
	if err := json.Unmarshal(events[len(events)-1], &last); err != nil || last.Seq <= q.after {
		return errors.New("the admin API sent an audit event without a usable sequence number")
	}
	q.after, q.since = last.Seq, time.Time{}
	if !asJSON {
		rows, err := eventRows(events, false, false)
		if err != nil {
			return err
		}
		return table.print(rows)
	}
	var line bytes.Buffer
	for _, raw := range events {
		line.Reset()
		if err := json.Compact(&line, raw); err != nil {
			return err
		}
		line.WriteByte('\n')
		if _, err := c.Out.Write(line.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
