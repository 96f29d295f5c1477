# Stagecraft — the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin/stagecraft
# Scratch space for the test servers (MinIO's data and log), chosen once
# per make run (a recursive variable would name a new directory at every
# use, and the MinIO started in one would never be stopped).
ifndef TEST_TMP
TEST_TMP := $(shell mktemp -d -u /tmp/stagecraft-test.XXXXXX)
endif

.PHONY: all build web extension deps run test test-web screenshots lint vet unit bench bench-search bench-index bench-searchable bench-convert bench-events bench-linkopen bench-viewer bench-analytics relevance demo migrate clean help

all: build

help:
	@echo "make run    build, prepare PostgreSQL, migrate, create the demo org, serve on :8080"
	@echo "make test   lint, prepare PostgreSQL and MinIO, then go vet and go test -race ./..."
	@echo "make lint   golangci-lint over the Go code (.golangci.yml) and the web app's linter"
	@echo "make build  build $(BIN) with the web app embedded"
	@echo "make extension  build the browser extension's store zips"
	@echo "make screenshots  refresh docs/screenshots from the demo organisation"
	@echo "make bench  run the benchmarks (see docs/benchmarks.md)"

build: web
	$(GO) build -o $(BIN) ./cmd/stagecraft

# web builds the single-page app into frontend/web/dist (embedded by build).
web:
	@scripts/web.sh build

# extension builds the browser extension's store zips under
# frontend/extension/dist (Chrome/Edge, and Firefox).
extension:
	@scripts/web.sh extension

# deps installs the optional document tools (poppler-utils) when possible.
deps:
	@scripts/deps.sh

# run serves a development hub with local storage and built-in search.
# DATABASE_URL is used when set; otherwise scripts/pg.sh finds or starts
# PostgreSQL and creates the database "stagecraft".
run: build deps
	@export DATABASE_URL="$$(scripts/pg.sh url stagecraft)"; \
	export LOG_FORMAT="$${LOG_FORMAT:-text}"; \
	$(BIN) demo; \
	echo; echo "Serving on $${PUBLIC_URL:-http://localhost:8080} (Ctrl-C to stop)"; \
	exec $(BIN) serve

# lint runs golangci-lint with .golangci.yml over all Go packages, then
# the web app's linter. scripts/golangci.sh builds the pinned golangci-lint
# into the per-user cache on first use (a few minutes, like MinIO), so
# every machine runs the same version; later runs use its analysis cache.
lint:
	@scripts/golangci.sh run ./...
	@scripts/web.sh lint

# vet stays beside lint: it is the Go toolchain's own, needs nothing
# installed and follows a Go upgrade at once, while golangci-lint's govet
# is only as new as its pinned release.
vet:
	$(GO) vet ./...

# test lints first (a finding fails fast, before servers start), then
# starts what the integration tests need (PostgreSQL database
# "stagecraft_test", a private MinIO and a private Mailpit on loopback
# ports), runs everything —
# go vet, the Go tests with the race detector, the web app's unit tests and
# its browser tests in chromium against a real server — and stops MinIO
# and Mailpit.
test: lint vet deps build
	@export TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$$(scripts/pg.sh url stagecraft_test)}"; \
	mkdir -p "$(TEST_TMP)"; \
	trap 'scripts/minio.sh stop "$(TEST_TMP)" >/dev/null 2>&1 || true; scripts/mailpit.sh stop "$(TEST_TMP)/mail" >/dev/null 2>&1 || true; rm -rf "$(TEST_TMP)"' EXIT; \
	eval "$$(scripts/minio.sh start "$(TEST_TMP)")"; \
	eval "$$(scripts/mailpit.sh start "$(TEST_TMP)/mail")"; \
	echo "PostgreSQL: $$TEST_DATABASE_URL"; echo "MinIO: $$TEST_S3_ENDPOINT"; echo "Mailpit: $$TEST_SMTP_URL, $$TEST_MAILPIT_API"; \
	$(GO) test -race -count=1 ./...
	@$(MAKE) --no-print-directory test-web

# test-web runs the unit tests (Vitest) and browser tests (Playwright
# driving Debian's chromium against bin/stagecraft) of the web app and of
# the browser extension.
test-web:
	@scripts/web.sh install-extension
	@export CHROMIUM="$$(scripts/chromium.sh)"; \
	export E2E_DATABASE_URL="$${TEST_DATABASE_URL:-$$(scripts/pg.sh url stagecraft_test)}"; \
	export STAGECRAFT_BIN="$(CURDIR)/$(BIN)"; \
	(cd frontend/web && npx vitest run && node --test --test-concurrency=1 e2e/) && \
	(cd frontend/extension && npx vitest run && node --test --test-concurrency=1 e2e/)

# screenshots saves the main pages, filled with the demo organisation,
# under docs/screenshots.
screenshots: build
	@export CHROMIUM="$$(scripts/chromium.sh)"; \
	export E2E_DATABASE_URL="$${TEST_DATABASE_URL:-$$(scripts/pg.sh url stagecraft_test)}"; \
	export STAGECRAFT_BIN="$(CURDIR)/$(BIN)"; \
	cd frontend/web && node e2e/screenshots.mjs

# unit runs the tests that need no servers (the others skip).
unit:
	$(GO) test -count=1 ./...

# bench runs the upload benchmark against both storage backends; it needs
# the same servers as the tests. Results go to docs/benchmarks.md by hand.
bench: build
	@mkdir -p "$(TEST_TMP)"; \
	trap 'scripts/minio.sh stop "$(TEST_TMP)" >/dev/null 2>&1 || true; rm -rf "$(TEST_TMP)"' EXIT; \
	eval "$$(scripts/minio.sh start "$(TEST_TMP)")"; \
	export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) run ./cmd/stagecraft-bench upload $(BENCH_FLAGS)

# bench-search loads synthetic collateral into the database
# stagecraft_bench and times the built-in search against an ILIKE scan.
bench-search:
	@export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) run ./cmd/stagecraft-bench search $(BENCH_FLAGS)

# bench-index times the indexing pipeline over the shared test documents;
# bench-searchable times upload-to-searchable through a real server.
bench-index:
	@export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) run ./cmd/stagecraft-bench index $(BENCH_FLAGS)

bench-searchable: build
	@export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) run ./cmd/stagecraft-bench searchable $(BENCH_FLAGS)

# bench-convert times page previews: LibreOffice conversion of the shared
# decks and documents (against bare soffice) and page rendering, then a
# deck's upload until its preview is ready, through a real server.
bench-convert: build
	@export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) run ./cmd/stagecraft-bench convert $(BENCH_FLAGS)

# bench-events times event ingestion against a no-op gin handler.
bench-events: build
	@export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) build -o bin/stagecraft-bench ./cmd/stagecraft-bench && bin/stagecraft-bench events $(BENCH_FLAGS)

# bench-linkopen times public link opens against the no-op handler.
bench-linkopen: build
	@export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) build -o bin/stagecraft-bench ./cmd/stagecraft-bench && bin/stagecraft-bench linkopen $(BENCH_FLAGS)

# bench-viewer times a prospect's first view of a 30-slide deck in
# headless chromium (desktop and phone): first page image received.
bench-viewer: build
	@export CHROMIUM="$$(scripts/chromium.sh)"; \
	export E2E_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	export STAGECRAFT_BIN="$(CURDIR)/$(BIN)"; \
	cd frontend/web && node e2e/bench-viewer.mjs

# bench-analytics loads a synthetic organisation (deals, events through the
# rollup trigger) and times the scorecard and the ingest cost of the rollups.
bench-analytics:
	@export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) run ./cmd/stagecraft-bench analytics $(BENCH_FLAGS)

# relevance scores the judged query set on each search backend
# (Meilisearch too when MEILI_URL is set).
relevance:
	@export BENCH_DATABASE_URL="$$(scripts/pg.sh url stagecraft_bench)"; \
	$(GO) run ./cmd/stagecraft-bench relevance

migrate: build
	@DATABASE_URL="$$(scripts/pg.sh url stagecraft)" $(BIN) migrate

clean:
	rm -rf bin
