package cli

import (
	"os"
	"os/user"
	"strings"
)

// DefaultOperator returns the name to record as the operator when --by is
// not given: the OS user name without any Windows domain, else $USER or
// $USERNAME, else "" (and the command asks for --by).
func DefaultOperator() string {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = os.Getenv("USER")
	}
	if name == "" {
		name = os.Getenv("USERNAME")
	}
	if i := strings.LastIndexByte(name, '\\'); i >= 0 {
		name = name[i+1:]
	}
	return name
}
