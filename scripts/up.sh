#!/usr/bin/env bash
# The main job: `pulumi up` on the `dev` stack with a local file state backend and a default
# dev passphrase, after installing what it needs and checking the Docker engine (preflight).
# Usage: npm run up [-- extra pulumi args]
#   PULUMI_CONFIG_PASSPHRASE  defaults to "cdc-dev" for the dev stack only; other stacks must set
#                             one (see scripts/passphrase.sh)
#   PULUMI_BACKEND_URL        defaults to file://<repo>/.pulumi (git-ignored)
#   CDC_STACK                 defaults to dev
#   CDC_SKIP_PREFLIGHT=1      skips the checks (the Docker endpoint is still resolved)
set -euo pipefail
cd "$(dirname "$0")/.."

stack="${CDC_STACK:-dev}"
fail() { echo "error: $*" >&2; exit 1; }

command -v pulumi >/dev/null 2>&1 \
    || fail "the Pulumi CLI is not on PATH. Install it (https://www.pulumi.com/docs/install/), then run again."
if [ "$(sed -n "s/^  cdc:platform: *//p" "Pulumi.$stack.yaml" 2>/dev/null || echo docker)" = "docker" ]; then
    command -v docker >/dev/null 2>&1 \
        || fail "the docker CLI is not on PATH. Install Docker (Docker Desktop, Colima, Rancher Desktop" \
            "or Docker Engine), then run again."
fi
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null \
    || fail "python3 >= 3.10 with venv is needed for dbt (a private venv is created on first use)."

stamp=node_modules/.package-lock.stamp
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    # `npm install`, not `npm ci`: chdb lists optional per-platform packages that the registry
    # does not serve for every platform, which `npm ci` rejects as a lockfile mismatch.
    npm install --no-audit --no-fund
    cp package-lock.json "$stamp"
fi

export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi}"
# Passphrase policy (issue #13): the public dev passphrase for the `dev` stack only.
. scripts/passphrase.sh
cdc_passphrase_policy "$stack" || exit 1
mkdir -p .pulumi
pulumi stack select "$stack" 2>/dev/null || pulumi stack init "$stack"

# Preflight (scripts/preflight.ts): the Docker engine the docker CLI uses (its current context)
# handed to the provider as DOCKER_HOST; host ports, engine memory and CPUs against the limits;
# the user's proxy for the plugin download; failed one-shot jobs to re-run (--replace).
cdc_replace=()
env_file="$(mktemp)"
trap 'rm -f "$env_file"' EXIT
preflight=(--stack "$stack" --out "$env_file")
if [ "${CDC_SKIP_PREFLIGHT:-}" = "1" ]; then preflight+=(--env-only); fi
node_modules/.bin/tsx scripts/preflight.ts "${preflight[@]}" \
    || fail "preflight found a problem (above); fix it and run again (CDC_SKIP_PREFLIGHT=1 skips the checks)."
# shellcheck disable=SC1090
source "$env_file"

# `${a[@]+"${a[@]}"}`: an empty array under `set -u` on bash 3.2 (macOS).
pulumi up --stack "$stack" --yes ${cdc_replace[@]+"${cdc_replace[@]}"} "$@"
echo
echo "Outputs (secrets hidden; add --show-secrets to see them):"
pulumi stack output --stack "$stack"
