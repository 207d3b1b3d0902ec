// Package storetest is the conformance suite every store backend passes.
// Backends call Run from their own tests against the real thing: a real
// redis-server, a real bbolt file.
package storetest

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Opener returns two clients of one fresh, empty backend. They share data;
// for a backend with a single client per process both may be the same.
type Opener func(t *testing.T) (a, b store.Store)

// Run runs the whole suite, each case on a fresh backend.
func Run(t *testing.T, open Opener) {
	cases := []struct {
		name string
		run  func(*testing.T, store.Store, store.Store)
	}{
		{"GrantLifecycle", testGrantLifecycle},
		{"GrantReplace", testGrantReplace},
		{"GrantExpiryIsCheckedByCaller", testGrantExpiry},
		{"GrantEndErrors", testGrantEndErrors},
		{"GrantHistoryPaging", testGrantHistoryPaging},
		{"GrantTenantsIsolated", testTenantsIsolated},
		{"GrantConcurrentPutEnd", testConcurrentPutEnd},
		{"GrantConcurrentEndOneWinner", testConcurrentEndOneWinner},
		{"GrantExtend", testGrantExtend},
		{"GrantExtendErrors", testGrantExtendErrors},
		{"GrantConcurrentExtend", testGrantConcurrentExtend},
		{"GrantEndKeepsExtensions", testGrantEndKeepsExtensions},
		{"GrantReplaceKeepsExtensions", testGrantReplaceKeepsExtensions},
		{"AuditAppendRead", testAuditAppendRead},
		{"AuditTimeRange", testAuditTimeRange},
		{"AuditCanonicalData", testAuditCanonicalData},
		{"AuditBadDataWritesNothing", testAuditBadData},
		{"AuditConcurrentTwoClients", testAuditConcurrent},
		{"AuditVerifyWhileAppending", testVerifyWhileAppending},
		{"AuditIdempotent", testAuditIdempotent},
		{"AuditIdempotentRace", testAuditIdempotentRace},
		{"AuditIDTooLong", testAuditIDTooLong},
		{"WatchDeliversGrantChanges", testWatch},
		{"SessionLifecycle", testSessionLifecycle},
		{"AreasRoundTrip", testAreasRoundTrip},
		{"SessionList", testSessionList},
		{"SessionDuplicateID", testDuplicateSessionID},
		{"SessionCursorOfOtherTenant", testSessionCursorOfOtherTenant},
		{"SessionConcurrentTouchAndEnd", testSessionConcurrentTouchAndEnd},
		{"Records", testRecords},
		{"RecordExpiry", testRecordExpiry},
		{"RecordTakeOnce", testTakeOnce},
		{"RecordBadNames", testBadRecordNames},
		{"PublishAndSessionChanges", testPublish},
	}
	cases = append(cases, outboxCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := open(t)
			c.run(t, a, b)
		})
	}
}
