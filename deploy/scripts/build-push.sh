#!/usr/bin/env bash
# Build the orders image and push it to its registry (DOCKER_IMAGE_ORDERS
# names it, e.g. registry.example.com/orders; `docker login` first).
#   TAG=1.4.0 deploy/scripts/build-push.sh
set -euo pipefail
"$(dirname "$0")/build.sh"
source "$(dirname "$0")/lib/stack.sh"
docker push "$image"
