#!/usr/bin/env bash
# `npm run lint`: the house style, checked (docs/architecture.md, "House style"). Runs every check even when one fails:
#   prettier   layout of TypeScript, JSON and YAML (.prettierrc.json, .prettierignore); `npm run format` fixes it
#   eslint     the TypeScript rules (eslint.config.mjs)
#   ShellCheck the shell scripts (scripts/shellcheck.sh installs the pinned ShellCheck on first use)
# Ends with one line, "lint: ok" or "lint: FAILED (<checks>)", and exits non-zero when a check failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

failed=()
check() {
    local name="$1"
    shift
    echo "== lint: $name"
    "$@" || failed+=("$name")
}

check prettier npx prettier --check --log-level warn .
check eslint npx eslint --max-warnings 0 .
shells=(.ci/run)
while IFS= read -r f; do
    shells+=("$f")
done < <(find scripts test .github -name '*.sh' -not -path '*/node_modules/*' | sort)
check shellcheck bash scripts/shellcheck.sh "${shells[@]}"

if [ "${#failed[@]}" -gt 0 ]; then
    echo "lint: FAILED (${failed[*]}); layout is fixed by \`npm run format\`, the rest by hand (messages above)" >&2
    exit 1
fi
echo "lint: ok (prettier, eslint, shellcheck)"
