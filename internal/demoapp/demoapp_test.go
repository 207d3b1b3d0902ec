package demoapp_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/demoapp"
)

func TestOrdinaryVisitor(t *testing.T) {
	app := newApp(t, newGateway(t))
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
	}{
		{name: "home", path: "/", status: http.StatusOK, want: []string{"You are an ordinary visitor", "No X-Lockbox-* headers.", `href="/_lockbox/"`}},
		{name: "billing", path: "/settings/billing", status: http.StatusOK, want: []string{"Billing settings", "deny rule refuses it"}},
		{name: "unknown page", path: "/nope", status: http.StatusNotFound, want: []string{"no such page"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, app, http.MethodGet, tt.path, nil, nil)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d", a.status, tt.status)
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", a.header.Get("Cache-Control"))
			}
			wantBody(t, a.body, tt.want, []string{"token verified", "Customer record of"})
		})
	}
}

func TestVerifiedAgent(t *testing.T) {
	g := newGateway(t)
	app := newApp(t, g)
	tests := []struct {
		name   string
		scopes []string
		want   []string
		absent []string
	}{
		{
			name:   "read only, PII masked",
			scopes: []string{"read"},
			want: []string{"w•••@acme.example", "••• ••• •• 68", "PII masked", "read-only", "personal data masked",
				"Lockbox will refuse the form"},
			absent: []string{"wile.coyote@acme.example", "555 010 2368", "read and write"},
		},
		{
			name:   "read write, PII masked",
			scopes: []string{"read", "write"},
			want:   []string{"w•••@acme.example", "read and write", "personal data masked"},
			absent: []string{"wile.coyote@acme.example", "Lockbox will refuse the form"},
		},
		{
			name:   "read write pii, PII visible",
			scopes: []string{"read", "write", "pii"},
			want:   []string{"wile.coyote@acme.example", "555 010 2368", "personal data visible"},
			absent: []string{"w•••@acme.example", "PII masked"},
		},
	}
	common := []string{
		"Support agent bob@support.example is working in tenant acme", "token verified",
		"Acme Corporation", "X-Lockbox-Tenant", `&#34;tenant&#34;: &#34;acme&#34;`, `&#34;sub&#34;: &#34;bob&#34;`,
		"audience " + testAudience,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, app, http.MethodGet, "/", g.headers(t, session("acme", tt.scopes...)), nil)
			if a.status != http.StatusOK {
				t.Fatalf("status %d", a.status)
			}
			wantBody(t, a.body, append(tt.want, common...), append(tt.absent, "ordinary visitor", "not trusted"))
		})
	}
}

func TestPIIHeaderAloneDoesNotUnmask(t *testing.T) {
	g := newGateway(t)
	h := g.headers(t, session("acme", "read"))
	h.Set("X-Lockbox-PII", "visible")
	a := do(t, newApp(t, g), http.MethodGet, "/", h, nil)
	wantBody(t, a.body, []string{"token verified", "w•••@acme.example"}, []string{"wile.coyote@acme.example"})
}

func TestHeaderValuesAreEscaped(t *testing.T) {
	g := newGateway(t)
	app := newApp(t, g)
	const evil = `<script>alert("x")</script>`
	const escaped = `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`
	tests := []struct {
		name    string
		headers http.Header
		want    string
	}{
		{
			name:    "beside a valid token",
			headers: g.headers(t, session("acme", "read")),
			want:    "token verified",
		},
		{
			name:    "without a token",
			headers: http.Header{},
			want:    "not trusted",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.headers.Set("X-Lockbox-Agent", evil)
			tt.headers.Set("X-Lockbox-Note", evil)
			a := do(t, app, http.MethodGet, "/", tt.headers, nil)
			wantBody(t, a.body, []string{tt.want, "X-Lockbox-Note", escaped}, []string{"<script>"})
		})
	}
}

func TestUntrustedHeaders(t *testing.T) {
	g := newGateway(t)
	other := newGateway(t) // another gateway's keys
	valid := func() http.Header { return g.headers(t, session("acme", "read", "write", "pii")) }
	tests := []struct {
		name    string
		cfg     func(*demoapp.Config)
		headers func() http.Header
		want    string
	}{
		{
			name:    "no token",
			headers: func() http.Header { h := valid(); h.Del("X-Lockbox-Token"); return h },
			want:    "arrived without a token",
		},
		{
			name:    "garbage token",
			headers: func() http.Header { h := valid(); h.Set("X-Lockbox-Token", "not.a.jwt"); return h },
			want:    "The token did not verify",
		},
		{
			name: "signed by another key",
			headers: func() http.Header {
				h := valid()
				h.Set("X-Lockbox-Token", other.headers(t, session("acme", "read")).Get("X-Lockbox-Token"))
				return h
			},
			want: "The token did not verify",
		},
		{
			name:    "wrong audience",
			cfg:     func(c *demoapp.Config) { c.Audience = "other.example.test" },
			headers: valid,
			want:    "The token did not verify",
		},
		{
			name:    "expired",
			cfg:     func(c *demoapp.Config) { c.Now = func() time.Time { return time.Now().Add(2 * time.Hour) } },
			headers: valid,
			want:    "expired",
		},
		{
			name:    "tenant header differs from the token",
			headers: func() http.Header { h := valid(); h.Set("X-Lockbox-Tenant", "globex"); return h },
			want:    "X-Lockbox-Tenant header disagrees with the verified token",
		},
		{
			name: "scopes header widened",
			headers: func() http.Header {
				h := g.headers(t, session("acme", "read"))
				h.Set("X-Lockbox-Scopes", "read write pii")
				return h
			},
			want: "X-Lockbox-Scopes header disagrees",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := demoapp.Config{Issuer: g.issuer, Audience: testAudience}
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			app, err := demoapp.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			a := do(t, app, http.MethodGet, "/", tt.headers(), nil)
			wantBody(t, a.body, []string{"not trusted", "token not verified", tt.want},
				[]string{"token verified<", "Customer record of", "wile.coyote@acme.example"})
		})
	}
}

func TestAddNote(t *testing.T) {
	g := newGateway(t)
	app := newApp(t, g)
	writer := g.headers(t, session("acme", "read", "write"))
	reader := g.headers(t, session("acme", "read"))
	note := url.Values{"note": {`called back <b>re</b> ticket 42`}}
	tests := []struct {
		name    string
		headers http.Header
		form    url.Values
		status  int
		want    string
	}{
		{name: "ordinary visitor", form: note, status: http.StatusForbidden, want: "has no logins of its own"},
		{name: "read-only session", headers: reader, form: note, status: http.StatusForbidden, want: "Your session is read-only"},
		{name: "empty note", headers: writer, form: url.Values{"note": {"  "}}, status: http.StatusBadRequest, want: "Write something"},
		{name: "control characters", headers: writer, form: url.Values{"note": {"a\x00b"}}, status: http.StatusBadRequest, want: "single line"},
		{name: "read-write session", headers: writer, form: note, status: http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, app, http.MethodPost, "/notes", tt.headers, tt.form)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d\n%s", a.status, tt.status, a.body)
			}
			if tt.want != "" {
				wantBody(t, a.body, []string{tt.want}, nil)
			}
		})
	}
	a := do(t, app, http.MethodGet, "/", reader, nil)
	wantBody(t, a.body, []string{"called back &lt;b&gt;re&lt;/b&gt; ticket 42", "bob@support.example, "}, []string{"<b>re</b>", "No notes yet."})

	other := do(t, app, http.MethodGet, "/", g.headers(t, session("globex", "read")), nil)
	wantBody(t, other.body, []string{"Globex Corporation", "No notes yet."}, []string{"ticket 42"})
}

func TestNewRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  demoapp.Config
	}{
		{name: "no issuer", cfg: demoapp.Config{Audience: "a"}},
		{name: "relative issuer", cfg: demoapp.Config{Issuer: "/_lockbox", Audience: "a"}},
		{name: "ftp issuer", cfg: demoapp.Config{Issuer: "ftp://127.0.0.1/_lockbox", Audience: "a"}},
		{name: "no audience", cfg: demoapp.Config{Issuer: "http://127.0.0.1:1/_lockbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := demoapp.New(tt.cfg); err == nil {
				t.Fatal("New accepted the config")
			}
		})
	}
}
