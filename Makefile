GO ?= go

.PHONY: build test deps vet

## build: the lockbox binary (Caddy with the plugin) into bin/
build:
	$(GO) build -o bin/lockbox ./cmd/lockbox

## deps: install what the tests run for real (redis-server)
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
