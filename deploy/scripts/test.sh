#!/usr/bin/env bash
# Build the image, run the whole compose stack from it (docker-compose.yml
# alone, as production runs it), check it end to end through Traefik, and
# remove it with its volumes:
#   TAG=test deploy/scripts/test.sh
# The checks: the API is ready behind the proxy, the docs are served, the
# first superuser logs in, and a workflow runs through Temporal and a worker.
set -euo pipefail
"$(dirname "$0")/build.sh"
source "$(dirname "$0")/lib/stack.sh"
compose=(docker compose -f docker-compose.yml -p "${STACK_NAME:-orders}-test")
cleanup() { "${compose[@]}" down -v --remove-orphans; }
trap cleanup EXIT
# One API and one worker: Traefik on :80 is the only published port they need.
API_REPLICAS=1 WORKER_REPLICAS=1 "${compose[@]}" up -d --wait --wait-timeout 300

base=http://localhost/api/v1
curl -fsS "$base/utils/ready" && echo
curl -fsS -o /dev/null http://localhost/docs && echo "docs served"
token=$(curl -fsS -X POST "$base/login/access-token" \
	--data-urlencode "username=$FIRST_SUPERUSER" --data-urlencode "password=$FIRST_SUPERUSER_PASSWORD" |
	sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[[ -n $token ]] || { echo "the first superuser cannot log in" >&2; exit 1; }
curl -fsS -X POST "$base/utils/test-workflow" -H "Authorization: Bearer $token" \
	-H 'Content-Type: application/json' -d '{"message":"stack test"}' && echo
echo "stack test passed"
