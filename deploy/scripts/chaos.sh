#!/usr/bin/env bash
# `make chaos`: one fault scenario under load, on a platform of its own
# (private PostgreSQL, Temporal dev server on a file so it survives a
# restart, Mailpit, API and worker as separate processes) under
# .data/chaos-SCENARIO. loadgen's clients retry each order under its
# Idempotency-Key; when the load ends it waits for the orders to settle and
# fails unless none was duplicated, lost or stuck, stock matches the
# confirmed orders, and the API answered only 2xx, 409, 429 or 503.
#
#   deploy/scripts/chaos.sh worker-kill      (or: make chaos SCENARIO=worker-kill)
set -euo pipefail
scenarios="worker-kill api-kill temporal-stop postgres-stop postgres-freeze oversell idempotency"
scenario=${1:-}
if [[ " $scenarios " != *" $scenario "* ]]; then
	echo "usage: $0 SCENARIO, one of: $scenarios" >&2
	exit 2
fi
RUN_NAME=chaos-$scenario PORT_BASE=${PORT_BASE:-18000}
# Faster to notice and to recover: a statement waits at most 2s, the outbox
# relay looks for unstarted workflows every 2s.
export DATABASE_TIMEOUT=2s DATABASE_LOCK_TIMEOUT=1s ORDER_WORKFLOW_RETRY_INTERVAL=2s
source "$(dirname "$0")/lib/platform.sh"
TEMPORAL_DB=$work/temporal.db
up

DURATION=${CHAOS_DURATION:-40s}
load=""
load() { # load WORKLOAD [FLAGS]: loadgen in the background
	loadgen -workloads "$1" -baselines "" -clients "${CLIENTS:-8}" -duration "$DURATION" -recovery 3m \
		-faults "$work/faults" "${@:2}" &
	load=$!
}
# fault begin|end: when the fault began and ended, for loadgen's report of
# the POSTs sent meanwhile.
fault() { echo "$1 $(date +%s.%N)" >>"$work/faults"; }
every() { # every SECONDS TIMES ACTION...: the fault, over and over, under load
	local secs=$1 times=$2
	shift 2
	for _ in $(seq "$times"); do
		sleep "$secs"
		"$@"
	done
}
kill_worker() { log "chaos: SIGKILL the worker"; stop worker KILL; sleep 1; worker_start; }
kill_api() { log "chaos: SIGKILL the API"; stop api KILL; sleep 1; api_start; }

case $scenario in
worker-kill)
	load orders
	every 7 4 kill_worker
	;;
api-kill)
	load orders -allow-no-answer
	every 7 4 kill_api
	;;
temporal-stop)
	# Paced: with Temporal down the API answers at once (the relay starts the
	# workflows later), and an unpaced closed loop would pile up more orders
	# than the platform confirms in the recovery time. The report's
	# POST /orders p99 is what a customer waits through the outage.
	load orders -pace "${CHAOS_PACE:-40}"
	sleep 8
	log "chaos: Temporal stopped for 20s"
	fault begin
	stop temporal
	sleep 20
	temporal_start "$TEMPORAL_DB"
	fault end
	log "chaos: Temporal back"
	;;
postgres-stop)
	load orders
	sleep 8
	log "chaos: PostgreSQL stopped for 10s"
	fault begin
	pg_stop
	sleep 10
	pg_start
	fault end
	log "chaos: PostgreSQL back"
	;;
postgres-freeze)
	load orders
	sleep 8
	log "chaos: PostgreSQL frozen (SIGSTOP) for 10s"
	fault begin
	pg_freeze
	sleep 10
	pg_thaw
	fault end
	log "chaos: PostgreSQL thawed"
	;;
oversell) load oversell ;;
idempotency) load idempotency ;;
esac
if wait "$load"; then
	log "chaos: $scenario passed"
else
	log "chaos: $scenario FAILED (logs in .data/$RUN_NAME)"
	exit 1
fi
