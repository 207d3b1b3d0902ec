package checkpoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// DefaultInterval is how often heads that moved are signed.
const DefaultInterval = time.Hour

// recordKind keeps each tenant's latest checkpoint in the store, so every
// instance knows whether the head moved since.
const recordKind = "audit_checkpoint"

// Service signs, keeps and publishes checkpoints.
type Service struct {
	// Store holds the chains and the latest checkpoint of each tenant.
	Store store.Store
	// Keys sign: the gateway's token signing keys.
	Keys *token.Keys
	// Archive, if set, keeps every checkpoint.
	Archive *archive.Archive
	// Publish, if set, tells the tenant (the audit.checkpoint webhook).
	Publish func(ctx context.Context, s Signed) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// SignTenant signs the tenant's current head, keeps the checkpoint and
// publishes it.
func (s *Service) SignTenant(ctx context.Context, tenant string) (Signed, error) {
	head, err := s.Store.AuditHead(ctx, tenant)
	if err != nil {
		return Signed{}, err
	}
	key, err := s.Keys.Signer()
	if err != nil {
		return Signed{}, err
	}
	cp, err := Sign(key, tenant, head, s.now())
	if err != nil {
		return Signed{}, err
	}
	raw, err := json.Marshal(cp)
	if err != nil {
		return Signed{}, err
	}
	if s.Archive != nil {
		if err := s.Archive.SaveCheckpoint(tenant, cp.Seq, cp.JWS); err != nil {
			return Signed{}, err
		}
	}
	if err := s.Store.PutRecord(ctx, recordKind, tenant, raw, 0); err != nil {
		return Signed{}, fmt.Errorf("keep checkpoint of %s: %w", tenant, err)
	}
	if s.Publish != nil {
		if err := s.Publish(ctx, cp); err != nil {
			return cp, fmt.Errorf("publish checkpoint of %s: %w", tenant, err)
		}
	}
	return cp, nil
}

// Latest returns the tenant's latest checkpoint; store.ErrNotFound if
// none was signed.
func (s *Service) Latest(ctx context.Context, tenant string) (Signed, error) {
	raw, err := s.Store.GetRecord(ctx, recordKind, tenant)
	if err != nil {
		return Signed{}, err
	}
	var cp Signed
	if err := json.Unmarshal(raw, &cp); err != nil {
		return Signed{}, fmt.Errorf("read checkpoint of %s: %w", tenant, err)
	}
	return cp, nil
}

// SignAll signs the head of each tenant whose chain grew since its
// latest checkpoint.
func (s *Service) SignAll(ctx context.Context) error {
	tenants, err := s.Store.Tenants(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range tenants {
		head, err := s.Store.AuditHead(ctx, t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		last, err := s.Latest(ctx, t)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, err)
			continue
		}
		if head.Seq == 0 || (err == nil && last.Seq == head.Seq) {
			continue
		}
		if _, err := s.SignTenant(ctx, t); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// List returns the tenant's checkpoints, newest first, at most limit:
// those the archive keeps, or without an archive the latest.
func (s *Service) List(ctx context.Context, tenant string, limit int) ([]Signed, error) {
	if s.Archive == nil {
		cp, err := s.Latest(ctx, tenant)
		if errors.Is(err, store.ErrNotFound) {
			return []Signed{}, nil
		}
		return []Signed{cp}, err
	}
	all, err := s.Archive.Checkpoints(tenant)
	if err != nil {
		return nil, err
	}
	out := make([]Signed, 0, min(limit, len(all)))
	for i := len(all) - 1; i >= 0 && len(out) < limit; i-- {
		cp, err := unverified(all[i])
		if err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, nil
}

// unverified reads a checkpoint this gateway wrote, without checking
// its signature: the reader checks it.
func unverified(jws string) (Signed, error) {
	obj, err := jose.ParseSigned(jws, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil || len(obj.Signatures) != 1 {
		return Signed{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var cp Checkpoint
	if err := json.Unmarshal(obj.UnsafePayloadWithoutVerification(), &cp); err != nil {
		return Signed{}, fmt.Errorf("%w: payload", ErrMalformed)
	}
	return Signed{Checkpoint: cp, KID: obj.Signatures[0].Header.KeyID, JWS: jws}, nil
}
