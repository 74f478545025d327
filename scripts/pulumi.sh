#!/usr/bin/env bash
# Runs a pulumi command against the same local backend and dev passphrase as `npm run up`, and
# (for commands that reach the Docker engine) the same engine: the docker CLI's current context,
# resolved by scripts/preflight.ts --env-only and handed to the provider as DOCKER_HOST.
# Usage: npm run preview | npm run destroy | bash scripts/pulumi.sh <any pulumi args>
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pulumi >/dev/null 2>&1 || { echo "error: the Pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-cdc-dev}"
case "${1:-}" in
    up | update | preview | destroy | refresh | import)
        if command -v docker >/dev/null 2>&1 && [ -x node_modules/.bin/tsx ]; then
            env_file="$(mktemp)"
            node_modules/.bin/tsx scripts/preflight.ts --stack "${CDC_STACK:-dev}" --out "$env_file" --env-only || true
            # Only the environment lines (not the job re-run list, which is up.sh's business).
            eval "$(grep -E '^(export|unset) ' "$env_file" || true)"
            rm -f "$env_file"
        fi
        ;;
esac
exec pulumi "$@" --stack "${CDC_STACK:-dev}"
