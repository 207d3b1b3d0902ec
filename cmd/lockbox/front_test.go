package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"
)

func TestVersionNamesLockboxThenCaddy(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		var out bytes.Buffer
		code, done := front([]string{arg}, &out, &out)
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if !done || code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "Lockbox ") ||
			!regexp.MustCompile(`^Caddy v2\.\d+\.\d+`).MatchString(lines[1]) || !strings.HasPrefix(lines[2], "Go go1.") {
			t.Fatalf("lockbox %s: %d %v\n%s", arg, code, done, out.String())
		}
	}
}

func TestHelpSaysWhatLockboxIsAndListsItsCommandsFirst(t *testing.T) {
	for _, args := range [][]string{nil, {"--help"}, {"-h"}, {"help"}} {
		var out bytes.Buffer
		code, done := front(args, &out, &out)
		help := out.String()
		if !done || code != 0 || !strings.HasPrefix(help, "Lockbox is a support-access gateway") {
			t.Fatalf("lockbox %v: %d %v\n%s", args, code, done, help)
		}
		ours, caddys, ok := strings.Cut(help, "Caddy commands")
		if !ok {
			t.Fatalf("no Caddy section:\n%s", help)
		}
		for _, name := range lockboxCommands {
			if !strings.Contains(ours, "\n  "+name+" ") {
				t.Errorf("Lockbox's section lacks %s", name)
			}
			if name != "version" {
				if _, registered := caddycmd.Commands()[name]; !registered {
					t.Errorf("%s is listed but not registered", name)
				}
			}
		}
		for name := range caddycmd.Commands() {
			in := strings.Contains(help, "\n  "+name+" ")
			hidden := name == "upgrade" || name == "add-package" || name == "remove-package"
			if in == hidden {
				t.Errorf("%s listed: %v", name, in)
			}
		}
		if !strings.Contains(caddys, "\n  run ") {
			t.Errorf("Caddy's section lacks run:\n%s", caddys)
		}
	}
}

func TestSelfReplacingCommandsRefused(t *testing.T) {
	for _, cmd := range []string{"upgrade", "add-package", "remove-package"} {
		var stdout, stderr bytes.Buffer
		code, done := front([]string{cmd, "github.com/x/y"}, &stdout, &stderr)
		if !done || code == 0 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "would replace this binary with a plain Caddy without Lockbox") {
			t.Fatalf("lockbox %s: %d %v %q", cmd, code, done, stderr.String())
		}
	}
}

func TestOtherCommandsGoToCaddy(t *testing.T) {
	for _, args := range [][]string{{"run"}, {"grant", "--help"}, {"help", "grant"}, {"validate", "--config", "x"}} {
		if _, done := front(args, &bytes.Buffer{}, &bytes.Buffer{}); done {
			t.Errorf("lockbox %v was not left to Caddy", args)
		}
	}
}
