package appapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
)

// openAPISource is the API's OpenAPI 3.1 description; document fills in
// what depends on the configuration.
//
//go:embed openapi.json
var openAPISource []byte

// document returns the description for this configuration: the server
// URL and the offered grant durations.
func (h *Handler) document() ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(openAPISource, &doc); err != nil {
		return nil, fmt.Errorf("app api: reading the OpenAPI document: %w", err)
	}
	doc["servers"] = []any{map[string]any{"url": h.cfg.PublicURL + h.cfg.base()}}
	duration, ok := lookup(doc, "components", "schemas", "CreateGrant", "properties", "duration")
	if !ok {
		return nil, fmt.Errorf("app api: the OpenAPI document has no CreateGrant duration")
	}
	duration["enum"] = h.cfg.durationChoices()
	if standing, ok := lookup(doc, "components", "schemas", "CreateGrant", "properties", "standing"); ok && h.cfg.NoStanding {
		standing["const"] = false
	}
	return json.Marshal(doc)
}

// lookup walks nested objects by key.
func lookup(doc map[string]any, keys ...string) (map[string]any, bool) {
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(h.doc)
	return nil
}
