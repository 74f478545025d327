#!/usr/bin/env bash
# Runs a pulumi command against the same local backend and passphrase policy as `npm run up`
# (the dev passphrase for the `dev` stack only; see scripts/passphrase.sh).
# Usage: npm run preview | npm run destroy | bash scripts/pulumi.sh <any pulumi args>
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pulumi >/dev/null 2>&1 || { echo "error: the Pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
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
if [[ " $* " == *" --stack"* || " $* " == *" -s "* ]]; then exec pulumi "$@"; fi
exec pulumi "$@" --stack "$stack"
