# Sourced by build.sh, build-push.sh, deploy.sh and test.sh: the checkout's
# root, and .env's variables exported (variables already set win), as
# `docker compose` reads them; docker stack deploy reads only the environment.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
if [[ ! -f .env ]]; then
	echo "no .env: cp .env.example .env, then set at least the passwords and SECRET_KEY" >&2
	exit 1
fi
while IFS='=' read -r key value; do
	[[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
	value=${value%\"}; value=${value#\"}
	[[ -z ${!key+set} ]] && export "$key=$value"
done <.env
: "${DOCKER_IMAGE_ORDERS:?set DOCKER_IMAGE_ORDERS in .env}" "${TAG:?set TAG in .env or the environment}"
image=$DOCKER_IMAGE_ORDERS:$TAG
