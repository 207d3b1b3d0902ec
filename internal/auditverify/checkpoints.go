package auditverify

import (
	"errors"
	"fmt"

	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// parsed is a checkpoint whose signature held.
type parsed struct {
	name string
	cp   checkpoint.Signed
}

// parseCheckpoints checks each checkpoint's signature and notes the seqs
// whose hashes the walk must record.
func (w *walk) parseCheckpoints(o Options) []parsed {
	var out []parsed
	for _, c := range o.Checkpoints {
		cp, err := parseAny(c.JWS, o.JWKS)
		if err != nil {
			w.problem(Problem{Kind: checkpointKind(err), File: c.Name, Detail: err.Error()})
			continue
		}
		if cp.Tenant != o.Tenant {
			w.problem(Problem{Kind: CheckpointTenant, File: c.Name, Detail: fmt.Sprintf("the checkpoint is of tenant %q", cp.Tenant)})
			continue
		}
		w.wanted[cp.Seq] = ""
		out = append(out, parsed{name: c.Name, cp: cp})
	}
	return out
}

// parseAny verifies jws with the first key set that knows its key.
func parseAny(jws string, sets [][]byte) (checkpoint.Signed, error) {
	err := fmt.Errorf("%w: no key set given", checkpoint.ErrUnknownKey)
	for _, set := range sets {
		var cp checkpoint.Signed
		if cp, err = checkpoint.Parse(jws, set); !errors.Is(err, checkpoint.ErrUnknownKey) {
			return cp, err
		}
	}
	return checkpoint.Signed{}, err
}

func checkpointKind(err error) string {
	switch {
	case errors.Is(err, checkpoint.ErrUnknownKey):
		return CheckpointUnknown
	case errors.Is(err, checkpoint.ErrBadSignature):
		return CheckpointBadSig
	}
	return CheckpointMalformed
}

// checkpoints compares each checkpoint with the chain at its seq.
func (w *walk) checkpoints(cps []parsed, head store.Head) {
	for _, p := range cps {
		cp := p.cp
		got, seen := w.wanted[cp.Seq]
		switch {
		case cp.Seq == 0:
			w.r.Checkpoints++
		case cp.Seq > head.Seq:
			w.problem(Problem{Kind: CheckpointAhead, Seq: cp.Seq, File: p.name,
				Detail: fmt.Sprintf("the checkpoint signs seq %d but the chain ends at %d (events removed from the store?)", cp.Seq, head.Seq)})
		case !seen || got == "":
			w.problem(Problem{Kind: CheckpointUncovered, Seq: cp.Seq, File: p.name,
				Detail: fmt.Sprintf("seq %d is in no part walked (give the archive with --archive)", cp.Seq)})
		case got != cp.Hash:
			w.problem(Problem{Kind: CheckpointMismatch, Seq: cp.Seq, File: p.name,
				Detail: fmt.Sprintf("the chain's hash at seq %d is not the one signed on %s: history was rewritten", cp.Seq, cp.Time.Format("2006-01-02 15:04:05Z"))})
		default:
			w.r.Checkpoints++
		}
	}
}
