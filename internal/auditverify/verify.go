// Package auditverify checks a tenant's whole audit chain: the days in
// the archive, then the events the store keeps, every hash and every
// link across the cut, and each saved checkpoint's signature and its
// match with the chain at its seq. It names each failure precisely.
package auditverify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Kinds of Problem.
const (
	ArchiveDamaged      = "archive_damaged"      // a day file cannot be read: truncated, not gzip, a line not JSON
	ArchiveEdited       = "archive_edited"       // an archived event no longer matches its hash
	MissingEvents       = "missing_events"       // seqs missing: a day file deleted, or lines removed
	LinkBroken          = "link_broken"          // prev_hash does not match the event before
	StoreEdited         = "store_edited"         // a stored event no longer matches its hash
	CheckpointMalformed = "checkpoint_malformed" // not a checkpoint JWS
	CheckpointUnknown   = "checkpoint_unknown_key"
	CheckpointBadSig    = "checkpoint_bad_signature"
	CheckpointTenant    = "checkpoint_other_tenant"
	CheckpointAhead     = "checkpoint_ahead" // signs a seq past the chain's head
	CheckpointMismatch  = "checkpoint_mismatch"
	CheckpointUncovered = "checkpoint_not_covered" // its seq is in no part walked (archive not given)
)

// maxProblems bounds a report; the first ones tell what happened.
const maxProblems = 100

// Problem is one failure, located.
type Problem struct {
	Kind string `json:"kind"`
	// Seq is the event concerned, when there is one.
	Seq int64 `json:"seq,omitempty"`
	// File is the archive file or checkpoint concerned.
	File   string `json:"file,omitempty"`
	Detail string `json:"detail"`
}

func (p Problem) String() string {
	s := p.Kind
	if p.File != "" {
		s += " in " + p.File
	}
	if p.Seq != 0 {
		s += fmt.Sprintf(" at seq %d", p.Seq)
	}
	return s + ": " + p.Detail
}

// Report is the outcome of Verify.
type Report struct {
	Tenant string `json:"tenant"`
	OK     bool   `json:"ok"`
	// Archived and Stored count the events checked in each part.
	Archived int64 `json:"archived"`
	Stored   int64 `json:"stored"`
	// From is the first seq walked.
	From int64 `json:"from"`
	// Head is the chain's last event.
	Head store.Head `json:"head"`
	// Checkpoints counts the checkpoints that hold.
	Checkpoints int       `json:"checkpoints"`
	Problems    []Problem `json:"problems,omitempty"`
}

// Source is where the kept part of the chain is read: a store, or the
// gateway through its API.
type Source interface {
	Events(ctx context.Context, tenant string, q store.EventQuery) ([]store.Event, error)
	AuditHead(ctx context.Context, tenant string) (store.Head, error)
}

// Checkpoint is a checkpoint to check, with a name for the report.
type Checkpoint struct {
	Name string
	JWS  string
}

// Options say what to verify.
type Options struct {
	Tenant string
	// Archive, if set, is walked before the store.
	Archive *archive.Archive
	// Checkpoints are checked against JWKS.
	Checkpoints []Checkpoint
	// JWKS are key sets (the gateway's, and any the tenant kept); a
	// checkpoint holds if one of them verifies it.
	JWKS [][]byte
}

// walk is the state of one verification.
type walk struct {
	r      *Report
	prev   store.Head
	wanted map[int64]string // checkpoint seq -> hash found there
	// withArchive: the archive is walked, so the chain must start at 1.
	withArchive bool
}

func (w *walk) problem(p Problem) {
	if len(w.r.Problems) < maxProblems {
		w.r.Problems = append(w.r.Problems, p)
	}
}

// Verify walks the tenant's archive (if given) and the store and checks
// the checkpoints. An error means the walk could not be done (the store
// unreachable); a broken chain is a Report with problems.
func Verify(ctx context.Context, src Source, o Options) (Report, error) {
	r := Report{Tenant: o.Tenant}
	w := &walk{r: &r, wanted: map[int64]string{}, withArchive: o.Archive != nil}
	cps := w.parseCheckpoints(o)
	head, err := src.AuditHead(ctx, o.Tenant)
	if err != nil {
		return r, err
	}
	r.Head = head
	if o.Archive != nil {
		if err := w.archive(o.Archive, o.Tenant); err != nil {
			return r, err
		}
	}
	if err := w.store(ctx, src, o.Tenant, head); err != nil {
		return r, err
	}
	w.checkpoints(cps, head)
	r.OK = len(r.Problems) == 0
	return r, nil
}

// link checks e against the event before it; file is the archive file
// it comes from, empty for the store; edited is the kind of a hash that
// does not match.
func (w *walk) link(e store.Event, file string, edited string) {
	if w.r.From == 0 {
		w.r.From = e.Seq
	}
	if h, err := e.ComputeHash(); err != nil || h != e.Hash {
		w.problem(Problem{Kind: edited, Seq: e.Seq, File: file, Detail: "the event's content does not match its hash (it was changed)"})
	}
	switch {
	case w.prev.Seq == 0 && e.Seq != 1 && w.withArchive:
		w.problem(Problem{Kind: MissingEvents, Seq: 1, File: file,
			Detail: fmt.Sprintf("events 1 to %d are missing: the archive's first days are gone", e.Seq-1)})
	case w.prev.Seq == 0 && e.Seq == 1 && e.PrevHash != "":
		w.problem(Problem{Kind: LinkBroken, Seq: 1, File: file, Detail: "the first event has a prev_hash"})
	case w.prev.Seq != 0 && e.Seq > w.prev.Seq+1:
		w.problem(Problem{Kind: MissingEvents, Seq: w.prev.Seq + 1, File: file,
			Detail: fmt.Sprintf("events %d to %d are missing (%s)", w.prev.Seq+1, e.Seq-1, missingWhy(file, w.prev))})
	case w.prev.Seq != 0 && e.Seq <= w.prev.Seq:
		w.problem(Problem{Kind: LinkBroken, Seq: e.Seq, File: file, Detail: fmt.Sprintf("seq %d repeats or goes back after %d", e.Seq, w.prev.Seq)})
	case w.prev.Seq != 0 && e.PrevHash != w.prev.Hash:
		w.problem(Problem{Kind: LinkBroken, Seq: e.Seq, File: file, Detail: fmt.Sprintf("prev_hash does not match the hash of event %d", w.prev.Seq)})
	}
	if _, ok := w.wanted[e.Seq]; ok {
		w.wanted[e.Seq] = e.Hash
	}
	w.prev = store.Head{Seq: e.Seq, Hash: e.Hash, Time: e.Time}
}

func missingWhy(file string, prev store.Head) string {
	if file == "" {
		return "the store does not link to the archive's last event: a day file deleted?"
	}
	return fmt.Sprintf("a day after %s missing, or lines removed", prev.Time.UTC().Format(archive.DayLayout))
}

// archive walks the tenant's day files in order.
func (w *walk) archive(a *archive.Archive, tenant string) error {
	days, err := a.Days(tenant)
	if err != nil {
		return err
	}
	for _, day := range days {
		file := archive.DayName(day)
		err := a.ReadDay(tenant, day, func(_ []byte, e store.Event) error {
			w.link(e, file, ArchiveEdited)
			if !day.Equal(e.Time.UTC().Truncate(24 * time.Hour)) {
				w.problem(Problem{Kind: ArchiveEdited, Seq: e.Seq, File: file, Detail: "the event is not of this file's day"})
			}
			w.r.Archived++
			return nil
		})
		switch {
		case errors.Is(err, archive.ErrCorrupt):
			w.problem(Problem{Kind: ArchiveDamaged, File: file, Detail: err.Error()})
		case errors.Is(err, os.ErrNotExist):
			w.problem(Problem{Kind: MissingEvents, File: file, Detail: "the day file disappeared during the walk"})
		case err != nil:
			return err
		}
	}
	return nil
}

// store walks the events the store keeps, up to head.
func (w *walk) store(ctx context.Context, src Source, tenant string, head store.Head) error {
	after := int64(0)
	for after < head.Seq {
		batch, err := src.Events(ctx, tenant, store.EventQuery{AfterSeq: after, Limit: store.MaxPageSize})
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			if e.Seq > head.Seq {
				return nil
			}
			if w.r.Archived > 0 && e.Seq <= w.prev.Seq {
				continue // archived, not trimmed yet
			}
			w.link(e, "", StoreEdited)
			w.r.Stored++
		}
		after = batch[len(batch)-1].Seq
	}
	if w.prev.Seq != head.Seq || w.prev.Hash != head.Hash {
		w.problem(Problem{Kind: MissingEvents, Seq: w.prev.Seq + 1, Detail: fmt.Sprintf("the chain ends at seq %d but the store's head is seq %d", w.prev.Seq, head.Seq)})
	}
	return nil
}
