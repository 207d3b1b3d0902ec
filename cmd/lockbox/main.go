// Command lockbox is Caddy with the Lockbox plugin built in, plus the
// commands only this binary has (lockbox demo, lockbox version). Its help
// says what Lockbox is and lists Lockbox's commands before Caddy's.
package main

import (
	"os"

	"github.com/caddyserver/caddy/v2"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	_ "github.com/caddyserver/caddy/v2/modules/standard"

	_ "github.com/lockbox-gw/lockbox/caddymodule"
)

func main() {
	caddy.CustomBinaryName = "lockbox"
	caddy.CustomLongDescription = about
	if code, done := front(os.Args[1:], os.Stdout, os.Stderr); done {
		os.Exit(code)
	}
	caddycmd.Main()
}
