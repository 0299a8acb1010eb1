#!/usr/bin/env bash
# `make bench-compare REF=<commit>`: the platform built at REF and the one in
# this working tree, under the same load, on one private PostgreSQL cluster
# and one Temporal dev server, in alternating rounds (REF then this tree,
# then this tree then REF, ...), each round a loadgen run of its own beside
# its baselines. Then `loadgen compare` prints each figure's median per
# build and the median of the per-round ratios (this tree / REF): the
# regression guard every change's closing note quotes.
#
# Each build has its own database (migrated by its own binary: the schemas
# may differ) and its own task queue (so each build's worker runs only its
# own workflows).
#
#   make bench-compare REF=0c648d6 ROUNDS=3 DURATION=10s
#   LOADGEN_FLAGS="-workloads place,read -baselines start" make bench-compare REF=HEAD~1
set -euo pipefail
ref=${REF:?usage: REF=<commit> $0}
RUN_NAME=bench-compare PORT_BASE=${PORT_BASE:-17000}
source "$(dirname "$0")/lib/platform.sh"

rev=$(git rev-parse --short "$ref^{commit}")
log "building $rev and this working tree under .data/$RUN_NAME"
git worktree add --quiet --detach "$work/ref-src" "$rev"
remove_worktree() { git worktree remove --force "$work/ref-src" 2>/dev/null || true; }
on_exit+=(remove_worktree)
(cd "$work/ref-src" && go build -o "$work/orders-ref" ./cmd/orders)
go build -o "$work/orders-tree" ./cmd/orders
remove_worktree

pg_start
temporal_start
mailpit_start
trace_sink_start
db_url() { echo "postgres://postgres@127.0.0.1:$PG_PORT/orders_$1?sslmode=disable"; }
for build in ref tree; do
	psql -q "postgres://postgres@127.0.0.1:$PG_PORT/postgres" -c "CREATE DATABASE orders_$build" >/dev/null
	DATABASE_URL=$(db_url "$build") "$work/orders-$build" migrate up >>"$work/migrate.log" 2>&1
done
"$work/orders-tree" register-search-attributes >>"$work/migrate.log" 2>&1

# measure BUILD ROUND: that build's API and worker, one loadgen run.
measure() {
	local build=$1 round=$2
	export ORDERS_BIN=$work/orders-$build TEMPORAL_TASK_QUEUE=orders-$build DATABASE_URL
	DATABASE_URL=$(db_url "$build")
	log "round $round: $build"
	worker_start
	api_start
	wait_for "readiness" 30 curl -fs "$API/api/v1/utils/ready"
	loadgen -rounds 1 -duration "${DURATION:-10s}" -clients "${CLIENTS:-16}" -rate "${RATE:-10}" \
		-pids "$(measured_pids)" \
		-json "$work/$build-$round.json" ${LOADGEN_FLAGS:-} >"$work/$build-$round.txt"
	stop api
	stop worker
}
for round in $(seq "${ROUNDS:-3}"); do
	if ((round % 2)); then order="ref tree"; else order="tree ref"; fi
	for build in $order; do measure "$build" "$round"; done
done
bin/loadgen compare -a "$work/ref-*.json" -b "$work/tree-*.json" -names "$rev,tree" | tee "$work/compare.txt"
log "each run's tables: .data/$RUN_NAME/{ref,tree}-ROUND.txt"
