package caddymodule

import (
	"errors"
	"fmt"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// useLinkKeyFile makes the keys in LinkKeyFile sign and open admin links,
// in place of the key kept in the store.
func (a *App) useLinkKeyFile() error {
	if a.LinkKeyFile == "" {
		return nil
	}
	path := caddy.NewReplacer().ReplaceKnown(a.LinkKeyFile, "")
	if path == "" {
		return errors.New("link_key_file is empty once placeholders are replaced (is its environment variable set?)")
	}
	if err := a.links.UseKeyFile(path); err != nil {
		return fmt.Errorf("loading admin link keys: %v", err)
	}
	return nil
}

// unmarshalLinkKeyFile parses
//
//	link_key_file <path>
func (a *App) unmarshalLinkKeyFile(d *caddyfile.Dispenser) error {
	if a.LinkKeyFile != "" {
		return d.Err("link_key_file is already set; give it once")
	}
	if !d.NextArg() {
		return d.Err("link_key_file needs the path of a file with base64 keys, one per line (openssl rand -base64 32)")
	}
	a.LinkKeyFile = d.Val()
	if d.NextArg() {
		return d.Err("link_key_file takes exactly one path")
	}
	return noBlock(d, "link_key_file")
}
