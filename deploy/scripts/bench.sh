#!/usr/bin/env bash
# `make bench`: the platform under load beside its baselines, in one run.
# Brings up a private PostgreSQL, the Temporal dev server in memory, Mailpit,
# and the API and the worker as two processes (so each one's CPU and memory
# is measured), then runs loadgen: ROUNDS rounds of every workload, each next
# to its baseline. Prints the tables; the JSON is in .data/bench/bench.json.
#
#   ROUNDS=3 DURATION=10s CLIENTS=16 RATE=10 make bench
#   ORDERS_BIN=/path/to/orders make bench   # another build of the platform
#   CLUSTER=1 make bench   # the Temporal server of make cluster-tools, on PostgreSQL
set -euo pipefail
RUN_NAME=bench PORT_BASE=${PORT_BASE:-17000}
source "$(dirname "$0")/lib/platform.sh"

up
log "platform $("$ORDERS_BIN" --help >/dev/null 2>&1; echo "$ORDERS_BIN"), loadgen starting"
loadgen -rounds "${ROUNDS:-3}" -duration "${DURATION:-10s}" -clients "${CLIENTS:-16}" -rate "${RATE:-10}" \
	-pids "$(measured_pids)" \
	-json "$work/bench.json" ${LOADGEN_FLAGS:-}
