package policy

import (
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// testAreas are the areas of the example in the README.
var testAreas = Areas{
	"planning": {"/planning*", "/calendar*"},
	"reports":  {"/reports/*", "*.pdf"},
	"api":      {"/api/*/keys"},
}

// areaVerdict runs a request through CheckPath and the area check, as the
// gateway does, for a grant limited to names.
func areaVerdict(t *testing.T, names []string, target string) string {
	t.Helper()
	raw, path, ok := readTarget(t, "GET", target)
	if !ok {
		return "refused by server"
	}
	clean, err := CheckPath(raw, path)
	if err != nil {
		return CodeAmbiguousPath
	}
	if d := testAreas.DecideAreas(clean, names); !d.Allowed() {
		return d.Code
	}
	return "allowed"
}

func TestAreasEveryEncoding(t *testing.T) {
	const (
		in  = "allowed"
		out = CodeOutsideAreas
		bad = CodeAmbiguousPath
	)
	plan := []string{"planning"}
	tests := []struct {
		name   string
		names  []string
		target string
		want   string
	}{
		{"inside", plan, "/planning/board", in},
		{"area root", plan, "/planning", in},
		{"second pattern", plan, "/calendar/2024", in},
		{"prefix runs into the segment as in Caddy", plan, "/planningx", in},
		{"outside", plan, "/billing", out},
		{"root", plan, "/", out},
		{"area name deeper down", plan, "/billing/planning", out},
		{"upper case", plan, "/PLANNING/x", in},
		{"mixed case", plan, "/Planning/Board", in},
		{"encoded first letter", plan, "/%70lanning", in},
		{"encoded upper first letter", plan, "/%50LANNING/x", in},
		{"fully encoded segment", plan, "/%70%6c%61%6e%6e%69%6e%67/x", in},
		{"query string", plan, "/billing?next=/planning", out},
		{"absolute form", plan, "http://app.test/planning/board", in},
		{"absolute form outside", plan, "http://app.test/billing", out},
		{"dot dot out of the area", plan, "/planning/../billing", bad},
		{"encoded dot dot", plan, "/planning/%2e%2e/billing", bad},
		{"half encoded dot dot", plan, "/planning/.%2e/billing", bad},
		{"dot segment", plan, "/planning/./x", bad},
		{"double slash", plan, "//planning/x", bad},
		{"encoded slash", plan, "/planning%2f..%2fbilling", bad},
		{"encoded backslash", plan, "/planning%5c..%5cbilling", bad},
		{"literal backslash", plan, `/planning\..\billing`, bad},
		{"path parameter", plan, "/planning;x/../billing", bad},
		{"double encoded dot dot", plan, "/planning/%252e%252e/billing", bad},
		{"overlong dot", plan, "/planning/%c0%ae%c0%ae/billing", bad},
		{"fullwidth letter", plan, "/%ef%bd%90lanning", bad},
		{"long s folds to s", plan, "/%c5%bfettings", bad},
		{"encoded NUL", plan, "/planning%00/../billing", bad},
		{"invalid escape", plan, "/planning%zz", "refused by server"},
		{"asterisk form", plan, "*", bad},
		{"suffix pattern", []string{"reports"}, "/files/q3.PDF", in},
		{"prefix with slash", []string{"reports"}, "/reports/q3", in},
		{"prefix with slash needs the slash", []string{"reports"}, "/reportsx", out},
		{"glob within a segment", []string{"api"}, "/api/v1/keys", in},
		{"glob does not cross a slash", []string{"api"}, "/api/v1/x/keys", out},
		{"two areas", []string{"api", "planning"}, "/calendar", in},
		{"unknown area covers nothing", []string{"gone"}, "/planning", out},
		{"no areas is the whole app", nil, "/billing", in},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := areaVerdict(t, tt.names, tt.target); got != tt.want {
				t.Errorf("%s in %v: got %s, want %s", tt.target, tt.names, got, tt.want)
			}
		})
	}
}

func TestDecideAreasMessage(t *testing.T) {
	d := testAreas.DecideAreas("/billing", []string{"planning", "reports"})
	if d.Code != CodeOutsideAreas || !strings.Contains(d.Message, "This grant covers only: planning, reports.") {
		t.Fatalf("decision = %+v", d)
	}
}

func TestParseArea(t *testing.T) {
	tests := []struct {
		name     string
		area     string
		patterns []string
		wantErr  string
	}{
		{"fine", "planning", []string{"/planning*", "/calendar*"}, ""},
		{"digits and marks", "q3_plan-b", []string{"/q3*"}, ""},
		{"upper case name", "Planning", []string{"/p*"}, "invalid area name"},
		{"leading dash", "-x", []string{"/p*"}, "invalid area name"},
		{"empty name", "", []string{"/p*"}, "invalid area name"},
		{"long name", strings.Repeat("a", 33), []string{"/p*"}, "invalid area name"},
		{"no patterns", "planning", nil, "at least one path pattern"},
		{"relative pattern", "planning", []string{"planning*"}, "must start with / or *"},
		{"encoded pattern", "planning", []string{"/%70lanning*"}, "write it decoded"},
		{"dot dot pattern", "planning", []string{"/planning/../x"}, "dot segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ParseArea(tt.area, tt.patterns)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ParseArea: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("ParseArea: %v, want %q", err, tt.wantErr)
			case err != nil && problem.As(err).Code != "invalid_area":
				t.Fatalf("code = %q", problem.As(err).Code)
			}
		})
	}
}

func TestAreasNamesAndUnknown(t *testing.T) {
	if got := strings.Join(testAreas.Names(), ","); got != "api,planning,reports" {
		t.Fatalf("Names = %s", got)
	}
	if got := testAreas.Unknown([]string{"planning", "billing"}); got != "billing" {
		t.Fatalf("Unknown = %q", got)
	}
	if err := testAreas.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}
