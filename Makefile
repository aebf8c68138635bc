# persistbench — make targets. `make test` is the test command CI runs.
GO      ?= go
PKGS    ?= ./...
BENCH   ?= .
CRASH_SEEDS ?= 2000

.PHONY: build test bench lint deps crash clean

build:
	$(GO) build -o bin/persistbench ./cmd/persistbench

# The test command of the README and of CI: every package, race detector on.
test:
	$(GO) test -race -count=1 $(PKGS)

# Speed and memory targets live in benchmarks, never in timed unit tests.
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(PKGS)

# More crash seeds than `make test` runs (PERSISTBENCH_CRASH_SEEDS).
crash:
	PERSISTBENCH_CRASH_SEEDS=$(CRASH_SEEDS) $(GO) test -count=1 -run 'Crash' $(PKGS)

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# Servers the Redis tests use (Debian/Ubuntu): redis-server, redis-tools.
deps:
	@if command -v redis-server >/dev/null 2>&1; then redis-server --version; \
	else apt-get update -qq && apt-get install -y -qq redis-server redis-tools; fi

clean:
	rm -rf bin results/runs
