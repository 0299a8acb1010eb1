#!/usr/bin/env bash
# Deploy (or update) the Swarm stack ${STACK_NAME} on this manager node:
#   TAG=1.4.0 deploy/scripts/deploy.sh
# The image must be in a registry the nodes can pull from (build-push.sh).
# The network traefik-public and the cluster's main Traefik exist already
# (deploy/README.md, Docker Swarm), and the nodes that keep the volumes carry
# their labels; this script says which are missing before it deploys.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/swarm.sh"
: "${STACK_NAME:?set STACK_NAME in .env}" "${DOMAIN:?set DOMAIN in .env}"
trap 'rm -f "$swarm_base"' EXIT
swarm_files

if ! docker network inspect traefik-public >/dev/null 2>&1; then
	echo "no network traefik-public: docker network create --driver=overlay traefik-public" >&2
	exit 1
fi
missing=0
for label in $(grep -o 'node\.labels\.[^ ]* == true' deploy/swarm/docker-compose.swarm.yml | sed 's/^node\.labels\.//; s/ == true$//' | sort -u); do
	label=${label//\$\{STACK_NAME\}/$STACK_NAME}
	if [[ -z $(docker node ls -q --filter "node.label=$label=true") ]]; then
		echo "no node has the label $label: docker node update --label-add $label=true NODE" >&2
		missing=1
	fi
done
((missing == 0)) || exit 1

docker stack config "${swarm_args[@]}" >/dev/null # the stack loader's own check, before anything changes
docker stack deploy --with-registry-auth --detach=false "${swarm_args[@]}" "$STACK_NAME"
docker stack services "$STACK_NAME"
