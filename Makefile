GO ?= go

.PHONY: build test deps vet bench

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
