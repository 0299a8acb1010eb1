# Sourced by dev.sh and lib/stack.sh: load_dotenv FILE exports FILE's
# variables as the binary and compose read them: a variable already in the
# environment wins, and an empty value stays unset (its default applies).
load_dotenv() {
	local key value
	while IFS='=' read -r key value; do
		[[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
		value=${value%\"}; value=${value#\"}
		if [[ -z ${!key:-} && -n $value ]]; then export "$key=$value"; fi
	done <"$1"
}
