#!/usr/bin/env bash
# The whole test suite, every tier, in one command (`npm test`; `.ci/run` calls the same).
#   1. installs npm dependencies from the lockfile when node_modules is missing or stale;
#   2. warms the caches real-engine tiers need (dbt venv, Kafka jars, Pulumi CLI) — first run
#      downloads/builds, later runs reuse ~/.cache/cdc-pipeline;
#   3. type-checks, then runs unit, engine and end-to-end tests with node's test runner.
# A tier whose toolchain is missing prints SKIPPED with the reason; with CI=true or
# CDC_REQUIRE_ALL_TIERS=1 such a skip fails the run instead.
# Without named files it also runs `npm run lint` (scripts/lint.sh) after the type-check; CDC_SKIP_LINT=1 skips it.
# Select tiers with CDC_TEST_TIERS="unit engine e2e" (default: all), or name test files:
# `npm test -- test/unit/config.test.ts test/engine/kafka-connect.test.ts` runs just those.
set -euo pipefail
cd "$(dirname "$0")/.."

known_tiers="unit engine e2e"
tiers="${CDC_TEST_TIERS:-$known_tiers}"
for tier in $tiers; do
    case " $known_tiers " in
        *" $tier "*) ;;
        *) echo "error: unknown test tier \"$tier\" in CDC_TEST_TIERS; known tiers: $known_tiers" >&2; exit 2 ;;
    esac
done
files=()
if [ "$#" -gt 0 ]; then
    for f in "$@"; do
        [ -f "$f" ] || { echo "error: no test file $f (pass paths such as test/unit/config.test.ts)" >&2; exit 2; }
        files+=("$f")
    done
    # Only the tiers of the named files need their caches warmed (engine, e2e).
    tiers=unit
    for f in "${files[@]}"; do
        case "$f" in
            test/engine/* | ./test/engine/*) tiers="$tiers engine" ;;
            test/e2e/* | ./test/e2e/*) tiers="$tiers e2e" ;;
        esac
    done
    # shellcheck disable=SC2086 # the tier list is split into words on purpose
    tiers="$(printf '%s\n' $tiers | sort -u | tr '\n' ' ')"
    tiers="${tiers% }"
fi

stamp=node_modules/.package-lock.stamp
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "== installing npm dependencies"
    # `npm install`, not `npm ci`: chdb lists optional per-platform packages that the registry
    # does not serve for every platform, which `npm ci` rejects as a lockfile mismatch.
    npm install --no-audit --no-fund
    cp package-lock.json "$stamp"
fi

if [ "${CI:-}" = "true" ]; then export CDC_REQUIRE_ALL_TIERS=1; fi

if [[ "$tiers" != "unit" ]] && [ "${CDC_SKIP_WARM:-}" != "1" ] && [ -x scripts/warm-caches.sh ]; then
    echo "== warming caches (dbt venv, Kafka jars, ClickHouse Java clients, Pulumi CLI, Kubernetes binaries)"
    bash scripts/warm-caches.sh
fi

if [ "${CDC_SKIP_TYPECHECK:-}" != "1" ]; then
    echo "== type-checking"
    npx tsc --noEmit -p tsconfig.json
fi

# The house style (`npm run lint`) on whole-suite and tier runs; a failure is reported again after the tests.
lint_failed=0
if [ "$#" -eq 0 ] && [ "${CDC_SKIP_LINT:-}" != "1" ]; then
    bash scripts/lint.sh || lint_failed=1
fi

if [ "$#" -eq 0 ]; then
    for tier in $tiers; do
        while IFS= read -r f; do files+=("$f"); done < <(find "test/$tier" -name '*.test.ts' 2>/dev/null | sort)
    done
fi
if [ "${#files[@]}" -eq 0 ]; then
    echo "no test files found for tiers: $tiers" >&2
    exit 1
fi
echo "== running ${#files[@]} test files (tiers: $tiers)"
# One file at a time: engine tiers start JVMs and ClickHouse engines on a 2-core machine.
tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
set +e
node --import tsx --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" "${files[@]}"
status=$?
set -e
count() { grep -E "^# $1 [0-9]+$" "$tap" | tail -1 | awk '{print $3}'; }
pass=$(count pass); fail=$(count fail); skipped=$(count skipped)
echo
echo "tests: ${pass:-0} passed, ${fail:-0} failed, ${skipped:-0} skipped"
if [ "${skipped:-0}" != "0" ]; then
    echo "skipped tiers (reasons above, marked SKIPPED):"
    grep -E "# SKIP" "$tap" | sed 's/^ */  /' | sort -u | head -20
fi
if [ "$status" -eq 0 ] && [ "${pass:-0}" = "0" ]; then
    echo "no test passed: treating as a failure" >&2
    exit 1
fi
if [ "$lint_failed" = "1" ]; then
    echo "lint FAILED (see \"lint: FAILED\" above; run \`npm run lint\`): failing the run" >&2
    exit 1
fi
exit "$status"
