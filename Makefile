GO ?= go

.PHONY: build test deps vet bench xcaddy

## build: the lockbox binary (Caddy with the plugin) into bin/
build:
	$(GO) build -o bin/lockbox ./cmd/lockbox

## deps: install what the tests run for real (redis-server, chromium, node, python3-jwt, ...)
deps:
	@.ci/deps

## vet: gofmt and go vet
vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## test: vet, then every test with the race detector
test: deps vet
	$(GO) test -race -timeout 30m ./...

## bench: throughput of ordinary and agent traffic against Caddy's bare
## reverse_proxy, with wrk on loopback (flags: make bench BENCHFLAGS="-duration 5s -rounds 5")
bench: deps
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "wrk is missing: install it with sudo apt-get install -y wrk" >&2; exit 1; \
	  fi; \
	  echo "installing wrk" >&2; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
	}
	$(GO) run ./internal/bench $(BENCHFLAGS)

## xcaddy: build a stock Caddy with the plugin from this checkout, the way
## xcaddy users do, into bin/caddy, and check it has Lockbox's modules and
## no demo. Not part of `make test` (it compiles a second Caddy).
XCADDY_VERSION ?= v0.4.5
CADDY_VERSION ?= $(shell $(GO) list -m -f '{{.Version}}' github.com/caddyserver/caddy/v2)
xcaddy:
	GOBIN=$(CURDIR)/bin $(GO) install github.com/caddyserver/xcaddy/cmd/xcaddy@$(XCADDY_VERSION)
	$(CURDIR)/bin/xcaddy build $(CADDY_VERSION) --output $(CURDIR)/bin/caddy \
	  --with github.com/lockbox-gw/lockbox/caddymodule \
	  --replace github.com/lockbox-gw/lockbox=$(CURDIR)
	@for m in lockbox http.handlers.lockbox admin.api.lockbox; do \
	  bin/caddy list-modules | grep -qx "$$m" || { echo "bin/caddy lacks module $$m" >&2; exit 1; }; \
	done
	@if bin/caddy demo --help >/dev/null 2>&1; then echo "bin/caddy carries lockbox demo" >&2; exit 1; fi
	@echo "bin/caddy: Caddy $(CADDY_VERSION) with the Lockbox plugin from this checkout"
