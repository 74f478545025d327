#!/usr/bin/env bash
# Runs a pulumi command against the same local backend and passphrase policy as `npm run up`
# (the dev passphrase for the `dev` stack only; see scripts/passphrase.sh), and (for commands that
# reach the Docker engine) the same engine: the docker CLI's current context, resolved by
# scripts/preflight.ts --env-only and handed to the provider as DOCKER_HOST.
# Usage: npm run preview | npm run destroy | bash scripts/pulumi.sh <any pulumi args>
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pulumi >/dev/null 2>&1 || {
    echo "error: the Pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/)" >&2
    exit 1
}
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi}"
stack="${CDC_STACK:-dev}"
# A `--stack NAME` / `-s NAME` among the arguments picks the stack instead of CDC_STACK.
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
        --stack=*) stack="${args[$i]#--stack=}" ;;
        --stack | -s) stack="${args[$((i + 1))]:-$stack}" ;;
    esac
done
. scripts/passphrase.sh
cdc_passphrase_policy "$stack" || exit 1
case "${1:-}" in
    up | update | preview | destroy | refresh | import)
        if command -v docker >/dev/null 2>&1 && [ -x node_modules/.bin/tsx ]; then
            env_file="$(mktemp)"
            node_modules/.bin/tsx scripts/preflight.ts --stack "$stack" --out "$env_file" --env-only || true
            # Only the environment lines (not the job re-run list, which is up.sh's business).
            eval "$(grep -E '^(export|unset) ' "$env_file" || true)"
            rm -f "$env_file"
        fi
        ;;
esac
if [[ " $* " == *" --stack"* || " $* " == *" -s "* ]]; then exec pulumi "$@"; fi
exec pulumi "$@" --stack "$stack"
