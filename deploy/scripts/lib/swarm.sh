# Sourced by deploy.sh (and the test of the stack): the Swarm stack's files.
# Swarm ignores depends_on, and its loader refuses the long form that
# docker-compose.yml uses to have the Temporal server wait for its schema
# job (condition: service_completed_successfully); so the stack is deployed
# from a copy of docker-compose.yml without its depends_on, with
# deploy/swarm/docker-compose.swarm.yml over it.

# swarm_files: write the copy beside docker-compose.yml (run from the
# checkout's root, so that its relative paths still hold) and set the array
# swarm_args to the -c arguments of `docker stack config|deploy`. The copy
# is swarm_base; remove it when done.
swarm_base=.docker-compose.swarm-base.yml
swarm_files() {
	awk '
		/^    depends_on:/ { skip = 1; next }
		skip && /^      / { next }
		{ skip = 0; print }
	' docker-compose.yml >"$swarm_base"
	swarm_args=(-c "$swarm_base" -c deploy/swarm/docker-compose.swarm.yml)
}
