package cli

import (
	"encoding/json"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func TestDetails(t *testing.T) {
	tests := []struct {
		name    string
		session string
		data    string
		want    string
	}{
		{name: "grant created", data: `{"expires_at":"2026-01-09T15:04:05.123456Z","note":"ticket 42","scopes":["read","write"]}`, want: `expires_at=2026-01-09T15:04:05Z note="ticket 42" scopes=read,write`},
		{name: "http request", session: "s_1", data: `{"method":"GET","path":"/a b","status":200,"bytes":1234567890123}`, want: `session=s_1 bytes=1234567890123 method=GET path="/a b" status=200`},
		{name: "nested and odd values", data: `{"z":{"k":1},"e":"","q":"say \"hi\"","b":false,"n":null}`, want: `b=false e="" n=null q="say \"hi\"" z={"k":1}`},
		{name: "control characters quoted", data: `{"v":"a\u001bb"}`, want: `v="a\x1bb"`},
		{name: "no data", want: ""},
		{name: "not an object", data: `[1,2]`, want: `data="[1,2]"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := store.Event{Session: tt.session, Data: json.RawMessage(tt.data)}
			if got := Details(e); got != tt.want {
				t.Fatalf("Details = %s\nwant      %s", got, tt.want)
			}
		})
	}
}
