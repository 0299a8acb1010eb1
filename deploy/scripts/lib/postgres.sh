# Sourced by dev.sh and lib/platform.sh: a private PostgreSQL cluster in a
# folder of its own, created by initdb on its first start. Its programs run
# as the postgres user when we are root: initdb refuses root.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# pg_private_start DATA HOST PORT USER [SERVER-OPTIONS]
pg_private_start() {
	local data=$1 host=$2 port=$3 user=$4 options=${5:-}
	if [[ ! -f $data/PG_VERSION ]]; then
		mkdir -p "$data"
		[[ $(id -u) -eq 0 ]] && chown postgres "$data" "$(dirname "$data")"
		as_postgres "$pg_bin/initdb" -D "$data" -U "$user" --auth=trust >/dev/null
	fi
	as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
		-o "-p $port -c listen_addresses=$host -k $data $options" start >/dev/null
}

# pg_private_stop DATA
pg_private_stop() { as_postgres "$pg_bin/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1 || true; }
