package redisstore

import (
	"errors"
	"fmt"
	"strings"
)

// Key layout. Every per-tenant key starts with lockbox:{<tenant>}: so all
// of a tenant's keys share one Redis Cluster hash slot and multi-key
// scripts work there.
//
//	lockbox:{t}:active        string  id of the active grant
//	lockbox:{t}:grant:<id>    string  grant JSON
//	lockbox:{t}:grants        zset    grant ids scored by creation (µs)
//	lockbox:{t}:ending:<id>   string  token of the call that ended the grant (short TTL)
//	lockbox:{t}:audit         hash    seq -> event JSON
//	lockbox:{t}:audit:time    zset    zero-padded seqs scored by event time (µs)
//	lockbox:{t}:audit:head    string  head JSON
//	lockbox:tenants           zset    every tenant that had a grant, score 0
//	lockbox:changes           channel store.Change JSON
const (
	keyPrefix      = "lockbox:"
	tenantsKey     = keyPrefix + "tenants"
	changesChannel = keyPrefix + "changes"
)

// tenantKeys names the keys of one tenant.
type tenantKeys struct{ base string }

// keysOf returns the keys of tenant, which must have passed checkTenant.
func keysOf(tenant string) tenantKeys {
	return tenantKeys{base: keyPrefix + "{" + tenant + "}:"}
}

func (k tenantKeys) active() string          { return k.base + "active" }
func (k tenantKeys) grantPrefix() string     { return k.base + "grant:" }
func (k tenantKeys) grant(id string) string  { return k.grantPrefix() + id }
func (k tenantKeys) grants() string          { return k.base + "grants" }
func (k tenantKeys) ending(id string) string { return k.base + "ending:" + id }
func (k tenantKeys) audit() string           { return k.base + "audit" }
func (k tenantKeys) auditTime() string       { return k.base + "audit:time" }
func (k tenantKeys) auditHead() string       { return k.base + "audit:head" }

// checkTenant rejects tenant names that would break the hash tag: an empty
// tag hashes the whole key, and a brace would end the tag early.
func checkTenant(tenant string) error {
	switch {
	case tenant == "":
		return errors.New("tenant is empty")
	case strings.ContainsAny(tenant, "{}"):
		return fmt.Errorf("tenant %q contains a brace", tenant)
	}
	return nil
}

// checkGrantID rejects an empty grant id.
func checkGrantID(id string) error {
	if id == "" {
		return errors.New("grant id is empty")
	}
	return nil
}
