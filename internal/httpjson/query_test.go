package httpjson_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func get(query string) *http.Request {
	return httptest.NewRequest(http.MethodGet, "/x?"+query, nil)
}

func TestPageQuery(t *testing.T) {
	p, err := httpjson.PageQuery(get("limit=7&cursor=abc"))
	if err != nil || p != (store.Page{Limit: 7, Cursor: "abc"}) {
		t.Fatalf("PageQuery = %+v, %v", p, err)
	}
	if p, err := httpjson.PageQuery(get("")); err != nil || p != (store.Page{}) {
		t.Fatalf("empty PageQuery = %+v, %v", p, err)
	}
}

func TestEventQuery(t *testing.T) {
	q, err := httpjson.EventQuery(get("after=3&since=2030-01-02T03:04:05Z&until=2030-01-02T05:00:00%2B01:00&limit=2"))
	since, until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(2030, 1, 2, 4, 0, 0, 0, time.UTC)
	if err != nil || q.AfterSeq != 3 || !q.Since.Equal(since) || !q.Until.Equal(until) || q.Limit != 2 {
		t.Fatalf("EventQuery = %+v, %v", q, err)
	}
	_, err = httpjson.EventQuery(get("since=2030-01-02T03:04:05Z&until=2030-01-02T04:00:00%2B01:00"))
	if p := problem.As(err); p.Code != "invalid_query" || p.Message != "until is before since" {
		t.Fatalf("until before since: %v", err)
	}
}

func TestQueryRefuses(t *testing.T) {
	tests := []struct {
		name     string
		read     func(*http.Request) error
		query    string
		contains string
	}{
		{"unknown", pageErr, "limt=1", `unknown query parameter "limt"`},
		{"twice", pageErr, "limit=1&limit=2", "more than once"},
		{"malformed", pageErr, "limit=%zz", "malformed"},
		{"limit zero", pageErr, "limit=0", "from 1 to 1000"},
		{"limit huge", pageErr, "limit=1001", "from 1 to 1000"},
		{"limit word", pageErr, "limit=ten", "from 1 to 1000"},
		{"long cursor", pageErr, "cursor=" + strings.Repeat("c", httpjson.MaxCursor+1), "too long"},
		{"negative after", eventErr, "after=-1", "0 or more"},
		{"bad since", eventErr, "since=yesterday", "RFC 3339"},
		{"plus unescaped", eventErr, "until=2030-01-02T03:04:05+01:00", "escape +"},
		{"no query allowed", httpjson.NoQuery, "x=1", "unknown query parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read(get(tt.query))
			p := problem.As(err)
			if p.Code != "invalid_query" || httpjson.Status(err) != 400 || !strings.Contains(p.Message, tt.contains) {
				t.Fatalf("error %v (%s), want invalid_query containing %q", err, p.Code, tt.contains)
			}
		})
	}
}

func pageErr(r *http.Request) error {
	_, err := httpjson.PageQuery(r)
	return err
}

func eventErr(r *http.Request) error {
	_, err := httpjson.EventQuery(r)
	return err
}

func TestClip(t *testing.T) {
	if got := httpjson.Clip(strings.Repeat("é", 81)); got != strings.Repeat("é", 80)+"…" {
		t.Fatalf("Clip = %q", got)
	}
	if got := httpjson.Clip("short"); got != "short" {
		t.Fatalf("Clip = %q", got)
	}
}
