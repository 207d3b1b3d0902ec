package appapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func newDocHandler(t *testing.T, cfg Config) *Handler {
	t.Helper()
	cfg.APIKeys = []string{"k1-0123456789abcdef0123456789"}
	cfg.PublicURL = "https://app.example.com"
	cfg, err := cfg.normalized()
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{cfg: cfg}
	if h.doc, err = h.document(); err != nil {
		t.Fatal(err)
	}
	return h
}

func parseDoc(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("the OpenAPI document is not JSON: %v", err)
	}
	return doc
}

// TestEveryRouteIsDocumented walks the route table: each method and path
// must be in the document, and the document must hold no other.
func TestEveryRouteIsDocumented(t *testing.T) {
	h := newDocHandler(t, Config{})
	doc := parseDoc(t, h.doc)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf("openapi = %q, want 3.1.x", v)
	}
	paths, _ := doc["paths"].(map[string]any)
	routes := map[string]bool{}
	for _, rt := range h.table() {
		routes[strings.ToLower(rt.method)+" "+rt.path] = true
		item, ok := paths[rt.path].(map[string]any)
		if !ok {
			t.Errorf("path %s is not documented", rt.path)
			continue
		}
		op, ok := item[strings.ToLower(rt.method)].(map[string]any)
		if !ok {
			t.Errorf("%s %s is not documented", rt.method, rt.path)
			continue
		}
		comps, _ := doc["components"].(map[string]any)
		checkOperation(t, comps, rt, item, op)
	}
	for p, item := range paths {
		for m := range item.(map[string]any) {
			if m != "parameters" && !routes[m+" "+p] {
				t.Errorf("the document has %s %s, which no route serves", m, p)
			}
		}
	}
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// checkOperation wants an id, responses with an error shape for every
// 4xx and 5xx, and every path parameter declared.
func checkOperation(t *testing.T, comps map[string]any, rt route, item, op map[string]any) {
	t.Helper()
	if id, _ := op["operationId"].(string); id == "" {
		t.Errorf("%s %s has no operationId", rt.method, rt.path)
	}
	responses, _ := op["responses"].(map[string]any)
	if len(responses) == 0 {
		t.Errorf("%s %s has no responses", rt.method, rt.path)
	}
	if rt.path != openAPIPath && responses["401"] == nil {
		t.Errorf("%s %s does not document 401", rt.method, rt.path)
	}
	if rt.path != openAPIPath && responses["429"] == nil {
		t.Errorf("%s %s does not document 429", rt.method, rt.path)
	}
	declared := map[string]bool{}
	for _, params := range []any{item["parameters"], op["parameters"]} {
		list, _ := params.([]any)
		for _, p := range list {
			declared[paramName(comps, p)] = true
		}
	}
	for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
		if !declared[m[1]] {
			t.Errorf("%s %s does not declare path parameter %s", rt.method, rt.path, m[1])
		}
	}
	if rt.method == http.MethodPost || rt.method == http.MethodPut || rt.method == http.MethodDelete {
		if op["requestBody"] == nil {
			t.Errorf("%s %s has no requestBody", rt.method, rt.path)
		}
	}
}

// paramName is the name of a parameter, given or by $ref.
func paramName(comps map[string]any, p any) string {
	m, _ := p.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		m, _ = resolve(comps, ref)
	}
	name, _ := m["name"].(string)
	return name
}

// resolve follows a "#/components/..." reference within comps.
func resolve(doc map[string]any, ref string) (map[string]any, bool) {
	keys := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
	if len(keys) > 0 && keys[0] == "components" {
		keys = keys[1:]
	}
	return lookup(doc, keys...)
}

// TestEveryRefResolves follows each $ref of the document.
func TestEveryRefResolves(t *testing.T) {
	doc := parseDoc(t, newDocHandler(t, Config{}).doc)
	comps, _ := doc["components"].(map[string]any)
	var walk func(v any)
	n := 0
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				n++
				if _, ok := resolve(comps, ref); !ok || !strings.HasPrefix(ref, "#/components/") {
					t.Errorf("$ref %s does not resolve", ref)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	if n < 20 {
		t.Fatalf("only %d $refs found; the walk is broken", n)
	}
}

func TestDocumentFollowsTheConfig(t *testing.T) {
	h := newDocHandler(t, Config{Prefix: "/lb/", NoStanding: true})
	doc := parseDoc(t, h.doc)
	servers, _ := doc["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["url"] != "https://app.example.com/lb/api/v1" {
		t.Fatalf("servers %v", servers)
	}
	d, _ := lookup(doc, "components", "schemas", "CreateGrant", "properties", "duration")
	enum, _ := d["enum"].([]any)
	if !slices.Equal(enum, []any{"1d", "7d", "28d"}) {
		t.Fatalf("duration enum %v", enum)
	}
	s, _ := lookup(doc, "components", "schemas", "CreateGrant", "properties", "standing")
	if s["const"] != false {
		t.Fatalf("standing %v", s)
	}
}
