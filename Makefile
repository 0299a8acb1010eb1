# The two commands that matter: `make dev` runs the platform, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
export GOBIN := $(CURDIR)/bin

TEMPORAL_CLI_VERSION := v1.5.1
SQLC_VERSION := v1.31.1
MAILPIT_VERSION := v1.33.1

.PHONY: dev test tools build generate check-generated fmt-check vet check lint-openapi docs-assets migration histories clean

REDOCLY_VERSION := 2.77.0

## dev: run the platform locally (Temporal dev server + UI, Mailpit, PostgreSQL, API and worker)
dev: tools build
	@deploy/scripts/dev.sh

## test: every test, against a real PostgreSQL and real Temporal dev servers
test: tools
	$(GO) test -race -count=1 ./...

## tools: build the pinned developer tools into bin/ (only those missing)
tools: bin/temporal bin/sqlc bin/mailpit

bin/temporal:
	$(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)

bin/sqlc:
	$(GO) install github.com/sqlc-dev/sqlc/cmd/sqlc@$(SQLC_VERSION)

bin/mailpit:
	$(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)

## build: the orders binary
build:
	$(GO) build -o bin/orders ./cmd/orders

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

## check: formatting, vet and generated code
check: fmt-check vet check-generated

## histories: re-record the order workflow histories that the replay test replays
## (only after a deliberate, versioned workflow change; commit the result)
histories: tools
	RECORD_HISTORIES=1 $(GO) test -count=1 ./api/ -run 'TestOrderLifecycle|TestCancelGives|TestApproval|TestOutOfStock|TestOperatorsCLI'

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
