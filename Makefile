# The two commands that matter: `make dev` runs the platform, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
export GOBIN := $(CURDIR)/bin

TEMPORAL_CLI_VERSION := v1.5.1
SQLC_VERSION := v1.31.1
MAILPIT_VERSION := v1.33.1
STATICCHECK_VERSION := v0.8.2
WORKFLOWCHECK_VERSION := v0.6.0
JAEGER_VERSION := v1.75.0
TEMPORAL_SERVER_VERSION := v1.29.1
AIR_VERSION := v1.67.4
STRIPE_MOCK_VERSION := v0.203.0

.PHONY: docs docs-check cover dev test test-unit test-cluster fuzz bench bench-compare bench-scale chaos tools cluster-tools release build generate check-generated fmt-check vet imports lint check lint-openapi docs-assets migration histories clean

REDOCLY_VERSION := 2.77.0

## dev: run the platform locally (Temporal dev server + UI, Mailpit, PostgreSQL,
## Jaeger for traces, API and worker, rebuilt and restarted when the code changes)
dev: tools bin/jaeger build
	@deploy/scripts/dev.sh

## test: every test, both tiers, against a real PostgreSQL, Temporal dev servers, Mailpit
## and stripe-mock;
## then, once make cluster-tools has built the real Temporal server, make test-cluster
## (after the rest, not beside it: both tiers and the cluster together would pass
## PostgreSQL's 100 connections). Integration tests wait on servers more than on
## CPU, hence more of them at once than cores.
test: tools
	CLUSTER_TESTS=skip $(GO) test -race -count=1 -parallel 8 ./...
	@if [[ -x bin/temporal-server ]]; then $(MAKE) --no-print-directory test-cluster; \
	else echo "cluster tests skipped: make cluster-tools builds the Temporal server they need"; fi

## cover: both tiers with coverage over every package (-coverpkg=./...), as
## the old stack's --cov-report=html: coverage.html, and the total printed
cover: tools
	CLUSTER_TESTS=skip $(GO) test -count=1 -parallel 8 -coverpkg=./... -coverprofile=coverage.out ./...
	$(GO) tool cover -html=coverage.out -o coverage.html
	@$(GO) tool cover -func=coverage.out | tail -1 | sed 's/^total:[[:space:]]*(statements)[[:space:]]*/total coverage: /'
	@echo "per line: coverage.html"

## test-unit: the fast tier alone (handlers over fakes, domain logic on PostgreSQL,
## workflows on the test suite); no Temporal server, Mailpit or browser
test-unit:
	$(GO) test -short -count=1 ./...

## fuzz: fuzz each target (request decoding and validation) for FUZZTIME
## executions; their seed corpora already run in make test and make test-unit.
## A count, not a duration: when a duration ends, Go's fuzz coordinator can see
## its deadline before the workers' context is cancelled and fail the run with
## "context deadline exceeded" (a race in internal/fuzz, seen here once).
FUZZTIME ?= 10000x
fuzz:
	@for target in $$($(GO) test -list '^Fuzz' ./api/ | grep '^Fuzz'); do \
		echo "fuzzing $$target for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) ./api/ || exit 1; \
	done

## bench: the platform under load beside its baselines (bare StartWorkflow,
## a bare 3-activity workflow, a bare INSERT) in one run, on its own private
## PostgreSQL, in-memory Temporal dev server and Mailpit, every span
## exported to loadgen's trace sink; prints min/median/max over ROUNDS and
## each figure's ratio to its baseline (docs/performance.md); CLUSTER=1 runs
## the Temporal server of make cluster-tools (on PostgreSQL) instead of the
## dev server, here and in bench-compare; TRACING=0 exports no spans
ROUNDS ?= 3
DURATION ?= 10s
bench: tools build $(if $(filter 1,$(CLUSTER)),cluster-tools)
	@ROUNDS=$(ROUNDS) DURATION=$(DURATION) deploy/scripts/bench.sh

## bench-compare: REF's platform and this working tree's in alternating
## rounds on one PostgreSQL and Temporal, then each figure's ratio
## (make bench-compare REF=<commit>; every closing note quotes it)
bench-compare: tools build $(if $(filter 1,$(CLUSTER)),cluster-tools)
	@ROUNDS=$(ROUNDS) DURATION=$(DURATION) deploy/scripts/bench-compare.sh

## bench-scale: every list and feed at page 1 and 100 pages deep, and the
## reconciliation, on a year of data seeded into the bench's own PostgreSQL
## (1M orders, 10M events, 1M deliveries, 1M audit entries; ~10 min to seed)
bench-scale: tools build
	@ROUNDS=$(ROUNDS) DURATION=$(DURATION) deploy/scripts/bench-scale.sh

## chaos: every fault scenario under load (or one: make chaos SCENARIO=api-kill),
## each on a platform of its own and bounded in time; fails on any order
## duplicated, lost or stuck, stock that does not match, or a forbidden answer
CHAOS_SCENARIOS := worker-kill api-kill temporal-stop postgres-stop postgres-freeze oversell idempotency
SCENARIO ?= $(CHAOS_SCENARIOS)
chaos: tools build
	@for s in $(SCENARIO); do timeout 10m deploy/scripts/chaos.sh $$s || exit 1; done

## test-cluster: the production scenarios (lifecycle, approval, cancel, outage,
## two APIs and two workers with one killed, rate limits across APIs) on the
## real Temporal server on PostgreSQL with 4 history shards and SQL visibility,
## and make bench CLUSTER=1's server
test-cluster: tools cluster-tools
	CLUSTER_TESTS=require $(GO) test -count=1 -v -run '^TestCluster' ./cmd/orders/ ./cmd/loadgen/

## cluster-tools: the Temporal server, its SQL schema tool and its PostgreSQL
## schema files, from the server's module (about 4 minutes cold)
cluster-tools: bin/temporal-server bin/temporal-sql-tool bin/temporal-schema

bin/temporal-server bin/temporal-sql-tool:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	name=$$(basename $@); pkg=server; [[ $$name == temporal-sql-tool ]] && pkg=tools/sql; \
	cd /tmp && GOBIN=$$tmp $(GO) install go.temporal.io/server/cmd/$$pkg@$(TEMPORAL_SERVER_VERSION) && \
	mv "$$tmp/$$(basename $$pkg)" $(CURDIR)/$@

bin/temporal-schema:
	@dir=$$(cd /tmp && GOFLAGS=-mod=mod $(GO) mod download -json go.temporal.io/server@$(TEMPORAL_SERVER_VERSION) | sed -n 's/.*"Dir": "\(.*\)".*/\1/p'); \
	test -n "$$dir" || { echo "could not download go.temporal.io/server $(TEMPORAL_SERVER_VERSION)"; exit 1; }; \
	rm -rf $@.tmp && mkdir -p $@.tmp/postgresql/v12 && cp -r "$$dir/schema/postgresql/v12/temporal" "$$dir/schema/postgresql/v12/visibility" $@.tmp/postgresql/v12/ && \
	chmod -R u+w $@.tmp && mv $@.tmp $@ # the SQL only: a .go file here would join ./...

## tools: build the pinned developer tools into bin/ (only those missing)
tools: bin/temporal bin/sqlc bin/mailpit bin/staticcheck bin/workflowcheck bin/air bin/stripe-mock

bin/temporal:
	$(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)

bin/sqlc:
	$(GO) install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)

bin/mailpit:
	$(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)

# stripe-mock: Stripe's API test server, for the Stripe provider's tests
bin/stripe-mock:
	$(GO) install github.com/stripe/stripe-mock@$(STRIPE_MOCK_VERSION)

bin/air:
	$(GO) install github.com/air-verse/air@$(AIR_VERSION)

bin/staticcheck:
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

bin/workflowcheck:
	$(GO) install go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION)

# Jaeger v2 all-in-one, for make dev's traces. `go install` refuses it (its
# go.mod has a replace directive), so it is built inside its downloaded
# module (about 3 minutes cold).
bin/jaeger:
	@dir=$$(cd /tmp && GOFLAGS=-mod=mod $(GO) mod download -json github.com/jaegertracing/jaeger@$(JAEGER_VERSION) | sed -n 's/.*"Dir": "\(.*\)".*/\1/p'); \
	test -n "$$dir" || { echo "could not download jaeger $(JAEGER_VERSION)"; exit 1; }; \
	echo "building bin/jaeger from $$dir"; \
	cd "$$dir" && $(GO) build -o $(CURDIR)/bin/jaeger ./cmd/jaeger

## release: the static binary the image ships, built as the Dockerfile builds
## it (the Dockerfile runs this target), and checked to start
release:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o bin/orders-release ./cmd/orders
	bin/orders-release --help >/dev/null

## build: the orders binary, and loadgen (make bench, make chaos)
build:
	$(GO) build -o bin/orders ./cmd/orders
	$(GO) build -o bin/loadgen ./cmd/loadgen

## generate: regenerate the sqlc code in db/ from db/queries and migrations/
generate: bin/sqlc
	bin/sqlc generate

## check-generated: fail when the committed sqlc code is stale
check-generated: bin/sqlc
	bin/sqlc diff

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## imports: the dependency rules of docs/architecture.md (which package may import which, and which writes each table)
imports:
	$(GO) test -count=1 ./internal/archtest/

## lint: staticcheck, and workflowcheck for the determinism of workflow code
lint: bin/staticcheck bin/workflowcheck
	bin/staticcheck ./...
	bin/workflowcheck ./workflows/...

## docs: regenerate what the docs show of the code (the lifecycle diagram)
docs:
	UPDATE_DOCS=1 $(GO) test -count=1 -run '^TestLifecycleDocIsCurrent$$' ./internal/orders/

## docs-check: fail when a generated part of the docs is stale
docs-check:
	$(GO) test -count=1 -run '^TestLifecycleDocIsCurrent$$' ./internal/orders/

## check: formatting, vet, generated code, import rules, linters and generated docs
check: fmt-check vet check-generated imports lint docs-check

## histories: record the replay histories of this release's workflow scenarios
## that workflows/testdata/<release>/ lacks (workflows/histories_test.go; earlier
## releases' histories are never recorded again); commit the result
histories: tools
	RECORD_HISTORIES=1 $(GO) test -count=1 -run '^TestScenarios$$' ./workflows/

## lint-openapi: the OpenAPI document must pass Redocly's recommended rules (errors fail)
lint-openapi:
	@tmp=$$(mktemp --suffix=.json); trap 'rm -f "$$tmp"' EXIT; \
	$(GO) run ./cmd/orders openapi >"$$tmp" && npx --yes @redocly/cli@$(REDOCLY_VERSION) lint "$$tmp"

## docs-assets: refresh the embedded Swagger UI and ReDoc from their pinned npm versions
docs-assets:
	deploy/scripts/docs-assets.sh

## migration NAME=add_things: create the next numbered up/down pair in migrations/
migration:
	@test -n "$(NAME)" || { echo "usage: make migration NAME=add_things"; exit 1; }
	@last=$$(ls migrations/*.up.sql 2>/dev/null | sed -E 's|.*/0*([0-9]+)_.*|\1|' | sort -n | tail -1); \
	next=$$(printf '%06d' $$(( $${last:-0} + 1 ))); \
	touch migrations/$${next}_$(NAME).up.sql migrations/$${next}_$(NAME).down.sql; \
	echo "created migrations/$${next}_$(NAME).{up,down}.sql"

clean:
	rm -rf bin/orders
