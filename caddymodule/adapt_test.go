package caddymodule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddytest"
)

// TestCaddyfileAdapt adapts each testdata/*.caddyfiletest (a Caddyfile, a
// line of dashes, then the expected JSON) and compares the result.
func TestCaddyfileAdapt(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.caddyfiletest"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no .caddyfiletest files in testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".caddyfiletest"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			caddyfile, want, ok := strings.Cut(string(data), "----------")
			if !ok {
				t.Fatalf("%s has no line of dashes between the Caddyfile and the JSON", file)
			}
			if !caddytest.CompareAdapt(t, file, strings.TrimSpace(caddyfile)+"\n", "caddyfile", strings.TrimSpace(want)) {
				t.Errorf("%s: adapted JSON differs from the expected JSON (diff above)", file)
			}
		})
	}
}

// TestCaddyfileErrors checks that bad lockbox blocks are refused with a
// message that says what is wrong.
func TestCaddyfileErrors(t *testing.T) {
	tests := []struct {
		name  string
		block string
		want  string
	}{
		{
			name:  "unknown word",
			block: "lockbox {\n\t\tstorag bolt lockbox.db\n\t}",
			want:  `unknown lockbox option "storag"`,
		},
		{
			name:  "arguments on the lockbox line",
			block: "lockbox redis://lockbox:hunter2@127.0.0.1:6379",
			want:  "lockbox takes no arguments on its line, only a block",
		},
		{
			name:  "storage without a backend",
			block: "lockbox {\n\t\tstorage\n\t}",
			want:  "storage needs a backend: storage bolt <path> or storage redis <url>",
		},
		{
			name:  "unknown backend",
			block: "lockbox {\n\t\tstorage postgres postgres://127.0.0.1/lockbox\n\t}",
			want:  `unknown storage backend "postgres": use bolt or redis`,
		},
		{
			name:  "redis without url",
			block: "lockbox {\n\t\tstorage redis\n\t}",
			want:  "storage redis needs its url",
		},
		{
			name:  "bolt without path",
			block: "lockbox {\n\t\tstorage bolt\n\t}",
			want:  "storage bolt needs its path",
		},
		{
			name:  "extra argument",
			block: "lockbox {\n\t\tstorage redis redis://127.0.0.1:6379 hunter2\n\t}",
			want:  "storage redis takes exactly one url",
		},
		{
			name:  "block after storage",
			block: "lockbox {\n\t\tstorage bolt lockbox.db {\n\t\t\tsync\n\t\t}\n\t}",
			want:  "storage takes no block",
		},
		{
			name:  "storage twice in one block",
			block: "lockbox {\n\t\tstorage bolt a.db\n\t\tstorage bolt b.db\n\t}",
			want:  "storage is already set; give it once",
		},
		{
			name:  "storage in two blocks",
			block: "lockbox {\n\t\tstorage bolt a.db\n\t}\n\tlockbox {\n\t\tstorage redis redis://127.0.0.1:6379\n\t}",
			want:  "storage is already set; give it once",
		},
	}
	adapter := caddyconfig.GetAdapter("caddyfile")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := "{\n\t" + tt.block + "\n}\n"
			_, _, err := adapter.Adapt([]byte(cfg), nil)
			if err == nil {
				t.Fatalf("adapt succeeded; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q; want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q repeats a word that may be a secret", err)
			}
		})
	}
}
