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
//	lockbox:{t}:audit         hash    seq -> event JSON; b<n> -> bucket n of events, deflated (compact.go)
//	lockbox:{t}:audit:time    zset    zero-padded seqs by time: written by earlier versions, emptied by trims
//	lockbox:{t}:audit:head    string  head JSON
//	lockbox:{t}:audit:ids     zset    recent event ids scored by append time (µs), to skip a retried append
//	lockbox:{t}:audit:sync    string  a counter written to wait for replicas of appends already made
//	lockbox:{t}:session:<id>  hash    session: doc, last_seen, requests, ended_at, end_reason, end_token
//	lockbox:{t}:sessions      zset    session ids scored by start (µs)
//	lockbox:tenants           zset    every tenant that had a grant, score 0
//	lockbox:rec:<kind>:<id>   string  short-lived record, with a TTL unless kept until deleted
//	lockbox:changes           channel store.Change JSON
//	rate:lockbox:<limit>:<h>  string  a shared rate-limit budget (ratelimit.Shared, not this package)
//
// A record is one key touched alone, so it needs no hash tag.
const (
	keyPrefix      = "lockbox:"
	tenantsKey     = keyPrefix + "tenants"
	recordPrefix   = keyPrefix + "rec:"
	changesChannel = keyPrefix + "changes"
)

// tenantKeys names the keys of one tenant.
type tenantKeys struct{ base string }

// keysOf returns the keys of tenant, which must have passed checkTenant.
func keysOf(tenant string) tenantKeys {
	return tenantKeys{base: keyPrefix + "{" + tenant + "}:"}
}

func (k tenantKeys) active() string           { return k.base + "active" }
func (k tenantKeys) grantPrefix() string      { return k.base + "grant:" }
func (k tenantKeys) grant(id string) string   { return k.grantPrefix() + id }
func (k tenantKeys) grants() string           { return k.base + "grants" }
func (k tenantKeys) ending(id string) string  { return k.base + "ending:" + id }
func (k tenantKeys) audit() string            { return k.base + "audit" }
func (k tenantKeys) auditTime() string        { return k.base + "audit:time" }
func (k tenantKeys) auditHead() string        { return k.base + "audit:head" }
func (k tenantKeys) auditIDs() string         { return k.base + "audit:ids" }
func (k tenantKeys) auditSync() string        { return k.base + "audit:sync" }
func (k tenantKeys) sessionPrefix() string    { return k.base + "session:" }
func (k tenantKeys) session(id string) string { return k.sessionPrefix() + id }
func (k tenantKeys) sessions() string         { return k.base + "sessions" }

// recordKey is the key of a record; kind and id must have passed
// store.CheckRecord, so the kind cannot run into the id.
func recordKey(kind, id string) string { return recordPrefix + kind + ":" + id }

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

// checkSessionID rejects an empty session id.
func checkSessionID(id string) error {
	if id == "" {
		return errors.New("session id is empty")
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
