# Sourced by bench.sh and chaos.sh: the platform's parts as separate processes
# on private ports under .data/$RUN_NAME, each startable and stoppable on its
# own, and everything stopped on exit. Never touches the shared PostgreSQL
# or a running Temporal server.
#
# Set before sourcing: RUN_NAME (bench, chaos, ...), PORT_BASE (e.g. 17000).
# Needs bin/orders, bin/loadgen, bin/temporal and bin/mailpit (make tools build).

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
work=$root/.data/$RUN_NAME
rm -rf "$work"
mkdir -p "$work"

PG_PORT=$((PORT_BASE + 432))
TEMPORAL_PORT=$((PORT_BASE + 233))
SMTP_PORT=$((PORT_BASE + 25))
MAIL_UI_PORT=$((PORT_BASE + 26))
API_PORT=$((PORT_BASE + 80))
API=http://127.0.0.1:$API_PORT
ORDERS_BIN=${ORDERS_BIN:-bin/orders} # another build of the platform, to compare

export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/orders?sslmode=disable"
export TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT TEMPORAL_NAMESPACE=default TEMPORAL_TASK_QUEUE=orders
export HTTP_ADDR=127.0.0.1:$API_PORT SMTP_HOST=127.0.0.1 SMTP_PORT SMTP_TLS=false SMTP_SSL=false EMAILS_FROM_EMAIL=shop@example.com
export SECRET_KEY=$RUN_NAME-$(od -An -tx8 -N16 /dev/urandom | tr -d ' \n')
export FIRST_SUPERUSER=admin@example.com FIRST_SUPERUSER_PASSWORD=$RUN_NAME-admin-password
export RATE_LIMIT_LOGIN=1000000 LOG_LEVEL=${LOG_LEVEL:-warn} ENVIRONMENT=local
export WEBHOOK_ALLOW_PRIVATE_URLS=true # the bench's receivers listen on loopback

declare -A pid # role -> process ID
on_exit=()
cleanup() {
	trap - EXIT INT TERM
	for role in "${!pid[@]}"; do stop "$role"; done
	pg_stop
	for f in "${on_exit[@]}"; do $f; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%(%H:%M:%S)T %s\n' -1 "$*" >&2; }

# start ROLE COMMAND...: run a process in the background, its output in
# .data/$RUN_NAME/ROLE.log.
start() {
	local role=$1
	shift
	"$@" >>"$work/$role.log" 2>&1 &
	pid[$role]=$!
}

# stop ROLE [SIGNAL]: stop a process (TERM by default) and wait for it.
stop() {
	local role=$1 sig=${2:-TERM}
	[[ -n ${pid[$role]:-} ]] || return 0
	kill -CONT "${pid[$role]}" 2>/dev/null || true
	kill -"$sig" "${pid[$role]}" 2>/dev/null || true
	wait "${pid[$role]}" 2>/dev/null || true
	unset "pid[$role]"
}

wait_for() { # wait_for WHAT SECONDS COMMAND...
	local what=$1 secs=$2
	shift 2
	for _ in $(seq $((secs * 4))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	log "$what did not come up in ${secs}s; see $work"
	return 1
}

# --- PostgreSQL: a private cluster (lib/postgres.sh) --------------------------
source "$root/deploy/scripts/lib/postgres.sh"
pg_data=$work/postgres
pg_start() { pg_private_start "$pg_data" 127.0.0.1 "$PG_PORT" postgres "-c max_connections=200"; }
pg_stop() {
	[[ -f $pg_data/postmaster.pid ]] || return 0
	pg_thaw
	pg_private_stop "$pg_data"
}
pg_pids() { # the postmaster and its children
	local main
	main=$(head -1 "$pg_data/postmaster.pid" 2>/dev/null) || return 0
	echo "$main"
	pgrep -P "$main" || true
}
pg_freeze() { kill -STOP $(pg_pids); }
pg_thaw() { kill -CONT $(pg_pids) 2>/dev/null || true; }

# --- Temporal: the dev server, in memory or on a file (to survive restarts) -
temporal_start() { # temporal_start [DB_FILE]
	if [[ ${CLUSTER:-} == 1 ]]; then
		temporal_server_start
		return
	fi
	local db=()
	[[ -n ${1:-} ]] && db=(--db-filename "$1")
	start temporal "${no_otel[@]}" bin/temporal server start-dev --headless --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
		--namespace default --log-level error "${db[@]}"
	wait_for "Temporal" 60 bin/temporal operator cluster health --address "$TEMPORAL_ADDRESS"
}

# CLUSTER=1: the Temporal server of make cluster-tools instead of the dev
# server, its databases in the private PostgreSQL (loadgen temporal-server).
# Stopping the runner stops the server and drops its databases.
temporal_server_start() {
	local state=$work/temporal.state
	TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable" \
		start temporal-runner "${no_otel[@]}" bin/loadgen temporal-server -state "$state"
	wait_for "the Temporal server" 180 test -s "$state"
	read -r TEMPORAL_ADDRESS temporal_server_pid <"$state"
	export TEMPORAL_ADDRESS
}

# temporal_pid: the process serving Temporal, whichever it is.
temporal_pid() { echo "${temporal_server_pid:-${pid[temporal]}}"; }

# measured_pids: loadgen's -pids, the processes whose CPU and memory it reads.
measured_pids() { echo "api=${pid[api]},worker=${pid[worker]},temporal=$(temporal_pid)"; }

# --- Traces: the API and the worker record and export every span, to
# loadgen's sink (TRACING=0: none). Temporal's server exports nothing.
OTLP_PORT=$((PORT_BASE + 317))
no_otel=(env -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_PROTOCOL)
trace_sink_start() {
	[[ ${TRACING:-1} == 1 ]] || return 0
	start trace-sink bin/loadgen trace-sink -addr "127.0.0.1:$OTLP_PORT"
	wait_for "the trace sink" 10 bash -c "</dev/tcp/127.0.0.1/$OTLP_PORT"
	export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$OTLP_PORT OTEL_EXPORTER_OTLP_PROTOCOL=grpc
}

mailpit_start() {
	start mailpit bin/mailpit --smtp "127.0.0.1:$SMTP_PORT" --listen "127.0.0.1:$MAIL_UI_PORT" \
		--smtp-disable-rdns --quiet --max 1000
}

# --- the platform: API and worker as two processes --------------------------
platform_prepare() {
	psql -q "postgres://postgres@127.0.0.1:$PG_PORT/postgres" -c 'CREATE DATABASE orders' >/dev/null
	"$ORDERS_BIN" migrate up >>"$work/migrate.log" 2>&1
	"$ORDERS_BIN" register-search-attributes >>"$work/migrate.log" 2>&1
}
api_start() { # GOMEMLIMIT: as production should run it (docs/performance.md)
	GOMEMLIMIT=${API_GOMEMLIMIT:-48MiB} DEBUG_ADDR=127.0.0.1:$((PORT_BASE + 60)) start api "$ORDERS_BIN" api
	wait_for "the API" 30 curl -fs "$API/api/v1/utils/health-check"
}
worker_start() { DEBUG_ADDR=127.0.0.1:$((PORT_BASE + 61)) start worker "$ORDERS_BIN" worker; }

# up: everything, ready to take orders. TEMPORAL_DB makes Temporal's state
# survive its restarts.
up() {
	log "starting PostgreSQL, Temporal, Mailpit, the API and the worker under .data/$RUN_NAME"
	pg_start
	temporal_start "${TEMPORAL_DB:-}"
	mailpit_start
	trace_sink_start
	platform_prepare
	worker_start
	api_start
	wait_for "readiness" 30 curl -fs "$API/api/v1/utils/ready"
}

loadgen() {
	bin/loadgen -api "$API" -database "$DATABASE_URL" "$@"
}
