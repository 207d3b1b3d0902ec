package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/lockbox-gw/lockbox/internal/admins"
)

// maxAdminsFile bounds an --file read; the API takes far less.
const maxAdminsFile = 1 << 20

// AdminsListOptions are the flags of `lockbox admins list`.
type AdminsListOptions struct {
	Tenant string
	JSON   bool
}

// AdminsSetOptions are the flags of `lockbox admins set`. Exactly one of
// Specs, File and Clear gives the new list.
type AdminsSetOptions struct {
	Tenant string
	// Specs are --admin values, one admin each (see AdminSpecHelp).
	Specs []string
	// File is a JSON file holding the list, either as an array of admins
	// or as the {"admins": [...]} that `admins list --json` prints.
	File string
	// Clear removes every admin.
	Clear bool
	// By is the operator's name, recorded as ops:<by>.
	By   string
	JSON bool
}

// adminList is the API's answer about a tenant's admins.
type adminList struct {
	Admins []admins.Admin `json:"admins"`
}

// setAdminsBody is the API's request to replace the list.
type setAdminsBody struct {
	Admins []admins.Admin `json:"admins"`
	By     string         `json:"by"`
}

// ListAdmins prints the tenant's registered admins.
func (c *Client) ListAdmins(o AdminsListOptions) error {
	path, err := tenantPath(o.Tenant, "admins")
	if err != nil {
		return err
	}
	var l adminList
	raw, err := c.get(path, &l)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	if len(l.Admins) == 0 {
		_, err := fmt.Fprintf(c.Out, "Tenant %s has no registered admins.\n", o.Tenant)
		return err
	}
	return c.adminTable(l.Admins)
}

// SetAdmins replaces the tenant's admins with the list given.
func (c *Client) SetAdmins(o AdminsSetOptions) error {
	path, err := tenantPath(o.Tenant, "admins")
	if err != nil {
		return err
	}
	list, err := o.list()
	if err != nil {
		return err
	}
	if err := checkBy(o.By); err != nil {
		return err
	}
	var l adminList
	raw, err := c.call(http.MethodPut, path, setAdminsBody{Admins: list, By: o.By}, &l)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	if len(l.Admins) == 0 {
		_, err := fmt.Fprintf(c.Out, "Removed every admin of tenant %s.\n", o.Tenant)
		return err
	}
	fmt.Fprintf(c.Out, "Tenant %s has %s now:\n", o.Tenant, plural(len(l.Admins), "admin"))
	return c.adminTable(l.Admins)
}

// list returns the admins the options give.
func (o AdminsSetOptions) list() ([]admins.Admin, error) {
	given := 0
	for _, b := range []bool{len(o.Specs) > 0, o.File != "", o.Clear} {
		if b {
			given++
		}
	}
	switch {
	case given == 0:
		return nil, Usagef("give the admins with --admin (once per admin) or --file, or remove them all with --clear")
	case given > 1:
		return nil, Usagef("give the admins with one of --admin, --file or --clear")
	case o.Clear:
		return []admins.Admin{}, nil
	case o.File != "":
		return readAdminsFile(o.File)
	}
	list := make([]admins.Admin, 0, len(o.Specs))
	for i, spec := range o.Specs {
		a, err := parseAdmin(spec)
		if err != nil {
			return nil, Usagef("invalid --admin %s: %v", ordinal(i, len(o.Specs)), err)
		}
		list = append(list, a)
	}
	return list, nil
}

// ordinal names the i-th of n --admin values in a message: "value"
// when there is only one, else "#<i+1>".
func ordinal(i, n int) string {
	if n == 1 {
		return "value"
	}
	return fmt.Sprintf("#%d", i+1)
}

// readAdminsFile reads a JSON list of admins, or an object holding one
// under "admins".
func readAdminsFile(path string) ([]admins.Admin, error) {
	raw, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	var list []admins.Admin
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		var l adminList
		err = strictJSON(raw, &l)
		list = l.Admins
	} else {
		err = strictJSON(raw, &list)
	}
	if err != nil {
		return nil, Usagef("--file %s is not a JSON list of admins ({\"id\", \"email\", \"name\", \"role\"} each): %v", OneLine(path, 80), err)
	}
	if list == nil {
		return []admins.Admin{}, nil
	}
	return list, nil
}

// readLimited reads a file of at most maxAdminsFile bytes.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Usagef("cannot read --file: %v", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxAdminsFile+1))
	switch {
	case err != nil:
		return nil, Usagef("cannot read --file: %v", err)
	case len(raw) > maxAdminsFile:
		return nil, Usagef("--file %s is larger than %d bytes", OneLine(path, 80), maxAdminsFile)
	}
	return raw, nil
}

// strictJSON decodes exactly one JSON value with no unknown fields.
func strictJSON(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	err := d.Decode(v)
	if errors.Is(err, io.EOF) {
		return errors.New("it is empty")
	}
	if err != nil {
		return err
	}
	if err := d.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		return errors.New("data follows the JSON value")
	}
	return nil
}

func (c *Client) adminTable(list []admins.Admin) error {
	t := newTable(c.Out, "ID", "EMAIL", "NAME", "ROLE")
	for _, a := range list {
		t.row(cell(a.ID, maxCell), cell(a.Email, maxCell), cell(a.Name, maxCell), cell(a.Role, maxCell))
	}
	return t.flush()
}

// plural says "1 admin" or "2 admins".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
