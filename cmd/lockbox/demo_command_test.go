package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// checkout makes a module tree like Lockbox's and returns its root.
func checkout(t *testing.T, name string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), name)
	for _, dir := range []string{"cmd/lockbox", "internal"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"go.mod", "cmd/lockbox/main.go"} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestDemoCommand(t *testing.T) {
	root := checkout(t, "lockbox")
	spaced := checkout(t, "my lockbox")
	src := filepath.Join(root, "cmd/lockbox")
	bin := filepath.Join(root, "bin/lockbox")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	tmpExe := "/tmp/go-build2645718187/b001/exe/lockbox"
	cacheExe := "/home/u/.cache/go-build/92/9209800476c2-d/lockbox"
	notFound := func(string) (string, error) { return "", errors.New("not found") }
	tests := []struct {
		name string
		inv  invocation
		want string
	}{
		{name: "go run from the checkout's root",
			inv: invocation{Arg0: tmpExe, Exe: tmpExe, Cwd: root, SourceDir: src}, want: "go run ./cmd/lockbox"},
		{name: "go run, cached binary, from the command's directory",
			inv: invocation{Arg0: cacheExe, Exe: cacheExe, Cwd: src, SourceDir: src}, want: "go run ."},
		{name: "go run from another directory of the module",
			inv: invocation{Arg0: tmpExe, Exe: tmpExe, Cwd: filepath.Join(root, "internal"), SourceDir: src}, want: "go run ../cmd/lockbox"},
		{name: "go run with a GOCACHE elsewhere",
			inv:  invocation{Arg0: "/srv/cache/ab/cd-d/lockbox", Exe: "/srv/cache/ab/cd-d/lockbox", GoCache: "/srv/cache", Cwd: root, SourceDir: src},
			want: "go run ./cmd/lockbox"},
		{name: "go run of a released module from outside it",
			inv: invocation{Arg0: tmpExe, Exe: tmpExe, Cwd: t.TempDir(), SourceDir: src,
				Package: "github.com/lockbox-gw/lockbox/cmd/lockbox", Version: "v1.2.0"},
			want: "go run github.com/lockbox-gw/lockbox/cmd/lockbox@v1.2.0"},
		{name: "go run of a checkout from outside its module: the binary, as nothing else would work",
			inv: invocation{Arg0: tmpExe, Exe: tmpExe, Cwd: t.TempDir(), SourceDir: src, Version: "(devel)"}, want: tmpExe},
		{name: "go run -trimpath: no source directory",
			inv: invocation{Arg0: tmpExe, Exe: tmpExe, Cwd: root, SourceDir: "github.com/lockbox-gw/lockbox/cmd/lockbox"}, want: tmpExe},
		{name: "go run from a directory with a space",
			inv:  invocation{Arg0: tmpExe, Exe: tmpExe, Cwd: filepath.Join(spaced, "internal"), SourceDir: filepath.Join(spaced, "cmd/lockbox")},
			want: "go run ../cmd/lockbox"},
		{name: "found in PATH",
			inv: invocation{Arg0: "lockbox", Exe: bin, Cwd: root, LookPath: func(string) (string, error) { return bin, nil }}, want: "lockbox"},
		{name: "a lockbox in PATH that is another binary",
			inv: invocation{Arg0: "lockbox", Exe: bin, Cwd: root, LookPath: func(string) (string, error) { return "/usr/bin/true", nil }}, want: bin},
		{name: "a relative path, made absolute for another terminal",
			inv: invocation{Arg0: "bin/lockbox", Exe: bin, Cwd: root, LookPath: notFound}, want: bin},
		{name: "an absolute path as typed",
			inv: invocation{Arg0: bin, Exe: bin, Cwd: "/", LookPath: notFound}, want: bin},
		{name: "a path with a space and a quote, quoted for the shell",
			inv: invocation{Arg0: "/opt/it's mine/lockbox", Exe: "/opt/it's mine/lockbox", Cwd: "/"}, want: `'/opt/it'\''s mine/lockbox'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.inv.command(); got != tt.want {
				t.Errorf("command() = %q, want %q", got, tt.want)
			}
		})
	}
}
