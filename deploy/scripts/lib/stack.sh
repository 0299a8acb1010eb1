# Sourced by build.sh, build-push.sh, deploy.sh and test.sh: the checkout's
# root, and .env's variables exported, as `docker compose` reads them
# (docker stack deploy reads only the environment); the image's name.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
if [[ ! -f .env ]]; then
	echo "no .env: cp .env.example .env, then set at least the passwords and SECRET_KEY" >&2
	exit 1
fi
source "$root/deploy/scripts/lib/dotenv.sh"
load_dotenv .env
: "${DOCKER_IMAGE_ORDERS:?set DOCKER_IMAGE_ORDERS in .env}" "${TAG:?set TAG in .env or the environment}"
image=$DOCKER_IMAGE_ORDERS:$TAG
