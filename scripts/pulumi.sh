#!/usr/bin/env bash
# Runs a pulumi command against the same local backend and dev passphrase as `npm run up`.
# Usage: npm run preview | npm run destroy | bash scripts/pulumi.sh <any pulumi args>
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pulumi >/dev/null 2>&1 || { echo "error: the Pulumi CLI is not on PATH (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-cdc-dev}"
exec pulumi "$@" --stack "${CDC_STACK:-dev}"
