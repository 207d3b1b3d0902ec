package gateway

import (
	"encoding/json"
	"testing"
)

func TestRequestDataIsJSONMarshal(t *testing.T) {
	tests := []struct {
		name string
		d    requestData
	}{
		{name: "plain", d: requestData{Method: "GET", Path: "/api/orders/7", Status: 200, Bytes: 1024, DurationMS: 3}},
		{name: "empty", d: requestData{}},
		{name: "negative", d: requestData{Method: "PATCH", Path: "/", Status: -1, Bytes: -2, DurationMS: -3}},
		{name: "html", d: requestData{Method: "GET", Path: "/a<b>&c", Status: 502}},
		{name: "quote and backslash", d: requestData{Method: `G"T`, Path: `/a\b`}},
		{name: "control", d: requestData{Method: "GET", Path: "/a\nb\x00\x7f"}},
		{name: "unicode", d: requestData{Method: "GET", Path: "/caf\u00e9/\u2028"}},
		{name: "invalid utf-8", d: requestData{Method: "GET", Path: "/\xff\xfe"}},
		{name: "linked", d: requestData{Method: "GET", Path: "/a", Status: 200, RequestID: "GJ7ZB4JIGP2VTZ7MAAPFCTQM5M", Started: "eABC.1z"}},
		{name: "odd request id", d: requestData{Method: "GET", Path: "/a", RequestID: "<id>", Started: "e\"1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.d.appendJSON(nil); string(got) != string(want) {
				t.Fatalf("appendJSON\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestStartedRequestDataIsJSONMarshal(t *testing.T) {
	tests := []startedRequestData{
		{Method: "GET", Path: "/api/orders/7", RequestID: "GJ7ZB4JIGP2VTZ7MAAPFCTQM5M"},
		{},
		{Method: "GET", Path: "/a<b>&c\n\xff", RequestID: "x"},
		{Method: `G"T`, Path: `/a\b`, RequestID: "\u2028"},
	}
	for _, d := range tests {
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.appendJSON(nil); string(got) != string(want) {
			t.Fatalf("appendJSON\n got %s\nwant %s", got, want)
		}
	}
}
