package checkpoint_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func keys(t *testing.T) *token.Keys {
	st := testkit.Bolt(t)
	return token.NewKeys(st, func() time.Time { return now })
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestParseRefusesHostileCheckpoints(t *testing.T) {
	k := keys(t)
	key, err := k.Signer()
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := k.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	good, err := checkpoint.Sign(key, "acme", store.Head{Seq: 7, Hash: "ab"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := checkpoint.Parse(good.JWS, jwks); err != nil || cp.Seq != 7 || cp.Tenant != "acme" || cp.KID != key.ID {
		t.Fatalf("Parse of a good checkpoint = %+v, %v", cp, err)
	}
	parts := strings.Split(good.JWS, ".")
	payload := b64(`{"tenant":"acme","seq":7,"hash":"ab","time":"2026-03-10T12:00:00Z"}`)
	tests := []struct {
		name string
		jws  string
		want error
	}{
		{"empty", "", checkpoint.ErrMalformed},
		{"not a jws", "hello", checkpoint.ErrMalformed},
		{"alg none", b64(`{"alg":"none","kid":"`+key.ID+`","typ":"`+checkpoint.Type+`"}`) + "." + payload + ".", checkpoint.ErrMalformed},
		{"alg HS256", b64(`{"alg":"HS256","kid":"`+key.ID+`","typ":"`+checkpoint.Type+`"}`) + "." + payload + "." + b64("mac"), checkpoint.ErrMalformed},
		{"token typ", b64(`{"alg":"ES256","kid":"`+key.ID+`","typ":"JWT"}`) + "." + parts[1] + "." + parts[2], checkpoint.ErrMalformed},
		{"no kid", b64(`{"alg":"ES256","typ":"`+checkpoint.Type+`"}`) + "." + parts[1] + "." + parts[2], checkpoint.ErrUnknownKey},
		{"unknown kid", b64(`{"alg":"ES256","kid":"nope","typ":"`+checkpoint.Type+`"}`) + "." + parts[1] + "." + parts[2], checkpoint.ErrUnknownKey},
		{"other payload", parts[0] + "." + b64(`{"tenant":"acme","seq":8,"hash":"ab","time":"2026-03-10T12:00:00Z"}`) + "." + parts[2], checkpoint.ErrBadSignature},
		{"cut signature", parts[0] + "." + parts[1] + "." + parts[2][:20], checkpoint.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := checkpoint.Parse(tt.jws, jwks); !errors.Is(err, tt.want) {
				t.Fatalf("Parse = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := checkpoint.Parse(good.JWS, []byte("not json")); err == nil {
		t.Fatal("a junk key set was accepted")
	}
}

func TestSignAllSignsHeadsThatMoved(t *testing.T) {
	st := testkit.Bolt(t)
	ctx := t.Context()
	if _, err := st.PutGrant(ctx, store.Grant{ID: "g", Tenant: "acme", CreatedAt: now, CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	var sent []checkpoint.Signed
	svc := &checkpoint.Service{Store: st, Keys: token.NewKeys(st, func() time.Time { return now }), Now: func() time.Time { return now },
		Publish: func(_ context.Context, s checkpoint.Signed) error { sent = append(sent, s); return nil }}
	if err := svc.SignAll(ctx); err != nil || len(sent) != 0 {
		t.Fatalf("SignAll of an empty chain = %v, sent %d", err, len(sent))
	}
	if _, err := st.AppendEvents(ctx, "acme", store.Event{Type: "http.request"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := svc.SignAll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(sent) != 1 || sent[0].Seq != 1 {
		t.Fatalf("sent %+v; want one checkpoint at seq 1", sent)
	}
	if latest, err := svc.List(ctx, "acme", 10); err != nil || len(latest) != 1 || latest[0].JWS != sent[0].JWS {
		t.Fatalf("List without an archive = %+v, %v", latest, err)
	}
}
