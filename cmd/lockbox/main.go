// Command lockbox is Caddy with the Lockbox plugin built in, plus the
// commands only this binary has (lockbox demo, lockbox version).
package main

import (
	"github.com/caddyserver/caddy/v2"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	_ "github.com/caddyserver/caddy/v2/modules/standard"

	_ "github.com/lockbox-gw/lockbox/caddymodule"
)

func main() {
	caddy.CustomBinaryName = "lockbox"
	caddycmd.Main()
}
