package caddymodule_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

var readmeCaddyfile = regexp.MustCompile("(?s)\n```caddyfile\n(.*?)```")

// TestShippedCaddyfilesAreFormatted: the Caddyfiles users copy, in the
// README and beside it, are as `caddy fmt` writes them, so Caddy does
// not warn that the input is not formatted.
func TestShippedCaddyfilesAreFormatted(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]byte{}
	for i, m := range readmeCaddyfile.FindAllSubmatch(readme, -1) {
		blocks["README.md block "+string(rune('1'+i))] = m[1]
	}
	if len(blocks) < 2 {
		t.Fatalf("README.md has %d caddyfile blocks; are they still fenced as ```caddyfile?", len(blocks))
	}
	files, err := filepath.Glob("../examples/Caddyfile.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, "../Caddyfile.example") {
		if blocks[f], err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range blocks {
		if got := caddyfile.Format(body); string(got) != string(body) {
			t.Errorf("%s is not formatted; caddy fmt makes it:\n%s", name, got)
		}
	}
}
