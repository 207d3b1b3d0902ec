package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
)

// invocation is how this process was started, as far as the demo's
// banner needs it to print commands that work when typed.
type invocation struct {
	// Arg0 is os.Args[0]; Exe the executable's absolute path.
	Arg0, Exe string
	// Cwd is the working directory.
	Cwd string
	// SourceDir is cmd/lockbox's directory in the source tree the binary
	// was built from; empty or relative when built with -trimpath.
	SourceDir string
	// GoCache is $GOCACHE, where go run keeps the programs it builds.
	GoCache string
	// Package and Version are the main package's import path and module
	// version from the build info ("(devel)" for a checkout).
	Package, Version string
	// LookPath finds a command in $PATH.
	LookPath func(string) (string, error)
}

// cliCommand returns how to run this binary from a shell for the
// commands the demo's banner suggests.
func cliCommand() string {
	inv := invocation{Arg0: os.Args[0], GoCache: os.Getenv("GOCACHE"), LookPath: exec.LookPath}
	inv.Exe, _ = os.Executable()
	inv.Cwd, _ = os.Getwd()
	if _, file, _, ok := runtime.Caller(0); ok {
		inv.SourceDir = filepath.Dir(file)
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		inv.Package, inv.Version = bi.Path, bi.Main.Version
	}
	return inv.command()
}

// command is "go run <package>" when go run built this binary (it
// deletes or hides the binary, so its path is no use), else the
// binary's name when $PATH finds it, else its absolute path.
func (inv invocation) command() string {
	if inv.goRun() {
		if pkg := inv.goRunPackage(); pkg != "" {
			return "go run " + shellQuote(pkg)
		}
	}
	if !strings.ContainsRune(inv.Arg0, os.PathSeparator) && inv.LookPath != nil {
		if found, err := inv.LookPath(inv.Arg0); err == nil && sameFile(found, inv.Exe) {
			return shellQuote(inv.Arg0)
		}
	}
	if filepath.IsAbs(inv.Arg0) {
		return shellQuote(inv.Arg0)
	}
	if strings.ContainsRune(inv.Arg0, os.PathSeparator) && filepath.IsAbs(inv.Cwd) {
		return shellQuote(filepath.Join(inv.Cwd, inv.Arg0)) // another terminal may be elsewhere
	}
	return shellQuote(inv.Exe)
}

// goRun reports whether the executable lives where go run puts what it
// builds: $TMPDIR/go-build*/b001/exe/ or the build cache
// (~/.cache/go-build, or $GOCACHE).
func (inv invocation) goRun() bool {
	if inv.GoCache != "" && within(inv.GoCache, inv.Exe) {
		return true
	}
	for _, part := range strings.Split(filepath.Dir(inv.Exe), string(os.PathSeparator)) {
		if strings.HasPrefix(part, "go-build") {
			return true
		}
	}
	return false
}

// goRunPackage is the package argument that makes go run, in Cwd, build
// this command again: the source directory relative to Cwd when Cwd is
// inside its module (./cmd/lockbox from the checkout's root), or
// package@version for a released module; "" when neither is known.
func (inv invocation) goRunPackage() string {
	if filepath.IsAbs(inv.SourceDir) && fileExists(filepath.Join(inv.SourceDir, "main.go")) {
		if root := moduleRoot(inv.SourceDir); root != "" && within(root, inv.Cwd) {
			if rel, err := filepath.Rel(inv.Cwd, inv.SourceDir); err == nil {
				if rel == "." || strings.HasPrefix(rel, "..") {
					return filepath.ToSlash(rel)
				}
				return "./" + filepath.ToSlash(rel)
			}
		}
	}
	if inv.Package != "" && inv.Version != "" && inv.Version != "(devel)" {
		return inv.Package + "@" + inv.Version
	}
	return ""
}

// moduleRoot is the nearest directory from dir up holding a go.mod.
func moduleRoot(dir string) string {
	for {
		if fileExists(filepath.Join(dir, "go.mod")) {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
}

// within reports whether path is dir or below it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(os.PathSeparator))
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// shellSafe are words a POSIX shell reads as they are.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote returns s as one word for a POSIX shell.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
