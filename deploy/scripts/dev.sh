#!/usr/bin/env bash
# `make dev`: everything the platform needs on one machine, in the foreground.
# Starts what is not already running (PostgreSQL, the Temporal dev server with
# its UI, Mailpit), migrates, runs API and worker, and stops what it started on Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mkdir -p .data

if [[ ! -f .env ]]; then
	cp .env.example .env
	echo "created .env from .env.example"
fi
source "$root/deploy/scripts/lib/dotenv.sh"
load_dotenv .env

pids=()
pg_started=""
cleanup() {
	trap - EXIT INT TERM
	echo
	echo "stopping..."
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [[ -n $pg_started ]]; then pg_private_stop "$pg_started"; fi
}
trap cleanup EXIT
trap 'exit 0' INT TERM

source "$root/deploy/scripts/lib/postgres.sh"

# --- PostgreSQL: DATABASE_URL, or a private cluster under .data/ ------------------
re='^postgres(ql)?://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?/([^?]+)'
if [[ ! $DATABASE_URL =~ $re ]]; then
	echo "DATABASE_URL must look like postgres://user[:password]@host[:port]/database" >&2
	exit 1
fi
pg_user=${BASH_REMATCH[2]} pg_host=${BASH_REMATCH[5]} pg_port=${BASH_REMATCH[7]:-5432} pg_db=${BASH_REMATCH[8]}
admin_url=${DATABASE_URL/\/$pg_db/\/postgres}

if ! pg_isready -q -h "$pg_host" -p "$pg_port"; then
	if [[ -z $pg_bin || ! -x $pg_bin/initdb ]]; then
		echo "No PostgreSQL answers at $pg_host:$pg_port and none is installed to start here." >&2
		echo "Start one, or set DATABASE_URL in .env, or install PostgreSQL's server programs." >&2
		exit 1
	fi
	data="$root/.data/postgres"
	[[ -f $data/PG_VERSION ]] || echo "creating a private PostgreSQL cluster in .data/postgres"
	echo "starting PostgreSQL on $pg_host:$pg_port (data in .data/postgres)"
	pg_private_start "$data" "$pg_host" "$pg_port" "$pg_user"
	pg_started=$data
fi
if ! psql -q "$DATABASE_URL" -c 'SELECT 1' >/dev/null 2>&1; then
	echo "creating database $pg_db"
	psql -q "$admin_url" -c "CREATE DATABASE \"$pg_db\"" >/dev/null
fi

# --- Temporal: TEMPORAL_ADDRESS, or the dev server with its UI -----------------
temporal_port=${TEMPORAL_ADDRESS##*:}
ui_port=${TEMPORAL_UI_PORT:-8233}
if bin/temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
	echo "using the Temporal server already at $TEMPORAL_ADDRESS"
	temporal_ui="(the UI of your Temporal server)"
else
	echo "starting the Temporal dev server on $TEMPORAL_ADDRESS (history in .data/temporal.db)"
	# The OTEL_* variables are the platform's: the server reads them too and
	# takes some (OTEL_TRACES_EXPORTER=none) as an error.
	env -u OTEL_TRACES_EXPORTER -u OTEL_EXPORTER_OTLP_ENDPOINT -u OTEL_EXPORTER_OTLP_PROTOCOL -u OTEL_SERVICE_NAME \
		bin/temporal server start-dev --ip 127.0.0.1 --port "$temporal_port" --ui-port "$ui_port" \
		--namespace "$TEMPORAL_NAMESPACE" --db-filename .data/temporal.db --log-level warn \
		>.data/temporal.log 2>&1 &
	pids+=($!)
	for _ in $(seq 1 60); do
		bin/temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 && break
		sleep 0.5
	done
	temporal_ui="http://localhost:$ui_port"
fi

bin/orders register-search-attributes
bin/orders schedules apply

# --- Traces: Jaeger, unless OTEL_TRACES_EXPORTER=none or an endpoint is set ----
traces="(off: OTEL_TRACES_EXPORTER=none)"
if [[ ${OTEL_TRACES_EXPORTER:-} != none && -z ${OTEL_EXPORTER_OTLP_ENDPOINT:-} ]]; then
	jaeger_ui_port=${JAEGER_UI_PORT:-16686}
	echo "starting Jaeger: OTLP on 127.0.0.1:4317, query on $jaeger_ui_port"
	bin/jaeger >.data/jaeger.log 2>&1 &
	pids+=($!)
	export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 OTEL_EXPORTER_OTLP_PROTOCOL=grpc
	traces="http://localhost:$jaeger_ui_port/api/traces?service=orders-dev&tags=%7B%22order.id%22%3A%22ORDER_ID%22%7D"
elif [[ -n ${OTEL_EXPORTER_OTLP_ENDPOINT:-} ]]; then
	traces="(sent to $OTEL_EXPORTER_OTLP_ENDPOINT)"
fi

# --- Mail catcher: Mailpit, when SMTP_HOST is this machine ---------------------
mail_ui="(none: SMTP_HOST is ${SMTP_HOST:-empty})"
if [[ ${SMTP_HOST:-} == localhost || ${SMTP_HOST:-} == 127.0.0.1 ]]; then
	mail_ui_port=${MAILPIT_UI_PORT:-8025}
	if (exec 3<>"/dev/tcp/127.0.0.1/${SMTP_PORT}") 2>/dev/null; then
		echo "using the SMTP server already at 127.0.0.1:${SMTP_PORT}"
	else
		echo "starting Mailpit: SMTP on 127.0.0.1:${SMTP_PORT}, web UI on $mail_ui_port"
		bin/mailpit --smtp "127.0.0.1:${SMTP_PORT}" --listen "127.0.0.1:$mail_ui_port" \
			--database .data/mailpit.db --smtp-disable-rdns --quiet >.data/mailpit.log 2>&1 &
		pids+=($!)
	fi
	mail_ui="http://localhost:$mail_ui_port"
fi

# --- API and worker -------------------------------------------------------------
bin/orders migrate up >/dev/null
if [[ ${DEMO_DATA:-true} != false ]]; then
	bin/orders seed # DEMO_DATA=false make dev skips it
fi
if [[ ${LIVE_RELOAD:-true} != false ]]; then
	bin/air -c .air.toml & # rebuilds and restarts `orders dev` when the code changes
else
	bin/orders dev &
fi
pids+=($!)

api_port=${HTTP_ADDR##*:}
base="http://localhost:$api_port"
for _ in $(seq 1 60); do
	curl -fs "$base/api/v1/utils/health-check" >/dev/null 2>&1 && break
	sleep 0.5
done
cat <<URLS

  Order platform is running. Ctrl-C stops everything started here.

  API            $base/api/v1
  Swagger UI     $base/docs
  ReDoc          $base/redoc
  OpenAPI        $base/api/v1/openapi.json
  Readiness      $base/api/v1/utils/ready
  Temporal UI    $temporal_ui
  Mail catcher   $mail_ui
  Metrics        $base/metrics
  Traces         $traces

  Live reload    $( [[ ${LIVE_RELOAD:-true} != false ]] && echo "on: a change of Go code rebuilds and restarts the API and the worker" || echo "off (LIVE_RELOAD=false)")

URLS
wait -n "${pids[@]}"
