#!/usr/bin/env bash
# Build the orders image as ${DOCKER_IMAGE_ORDERS}:${TAG} from this checkout.
#   TAG=1.4.0 deploy/scripts/build.sh
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
docker build --pull -t "$image" .
echo "built $image"
