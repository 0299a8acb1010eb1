#!/usr/bin/env bash
# `make bench-scale`: the lists and the reconciliation on a year of data.
# Brings the platform up as make bench does (its own PostgreSQL, Temporal,
# API and worker), fills the database with loadgen seed-scale (ORDERS orders,
# EVENTS_PER_ORDER feed events each, DELIVERIES webhook deliveries, AUDIT
# audit-log entries: 1M, 10, 1M, 1M by default), then times every list at its
# first page and 100 pages deep (loadgen -workloads lists), and one
# reconciliation (the Reconcile workflow, as its Schedule starts it) with the
# worker's peak memory before and after. The seed takes about ten minutes.
#
#   make bench-scale
#   ORDERS=100000 DELIVERIES=100000 AUDIT=100000 make bench-scale   # a quicker look
set -euo pipefail
RUN_NAME=bench-scale PORT_BASE=${PORT_BASE:-17300}
source "$(dirname "$0")/lib/platform.sh"

up
log "seeding ${ORDERS:=1000000} orders, ${EVENTS_PER_ORDER:=10} events each, ${DELIVERIES:=1000000} deliveries, ${AUDIT:=1000000} audit entries"
bin/loadgen seed-scale -database "$DATABASE_URL" -orders "$ORDERS" -events-per-order "$EVENTS_PER_ORDER" \
	-deliveries "$DELIVERIES" -audit "$AUDIT" | tee "$work/seed.txt" | tail -3 >&2
psql -qAt "$DATABASE_URL" -c "SELECT pg_size_pretty(pg_database_size(current_database()))" | sed 's/^/database size: /' >&2

loadgen -workloads lists -baselines "" -endpoints=false -key-share 0 -rounds "${ROUNDS:-3}" -duration "${DURATION:-10s}" \
	-pids "$(measured_pids)" -json "$work/lists.json"

peak() { awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$1/status"; }
log "reconciliation: one run of the Reconcile workflow over the seeded orders"
before=$(peak "${pid[worker]}")
start=$(date +%s%N)
bin/temporal workflow execute --address "$TEMPORAL_ADDRESS" --type Reconcile --task-queue "$TEMPORAL_TASK_QUEUE" \
	--workflow-id "reconcile-scale-$(date +%s)" >"$work/reconcile.txt"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
printf 'reconciliation: %d ms; worker peak RSS %s before, %s after\n' "$elapsed_ms" "$before" "$(peak "${pid[worker]}")" | tee -a "$work/reconcile.txt"
