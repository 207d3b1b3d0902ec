package appapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestOpenAPIDocumentsAreas(t *testing.T) {
	e := newEnv(t, nil)
	r := e.send(http.MethodGet, "/openapi.json", "", nil)
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Type  any             `json:"type"`
					Items json.RawMessage `json:"items"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"CreateGrant", "Grant", "AdminLinkRequest"} {
		p, ok := doc.Components.Schemas[name].Properties["areas"]
		if !ok || p.Type != "array" || len(p.Items) == 0 {
			t.Errorf("schema %s: areas %+v", name, p)
		}
	}
}
