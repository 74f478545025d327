#!/usr/bin/env bash
# Which stacks a pull request can change, as a JSON list for a GitHub Actions matrix.
#
# Usage: changed-stacks.sh <base-ref> [<head-ref>]   (run at the repository root)
# Prints e.g. ["prod"] on stdout (and `stacks=<json>` into $GITHUB_OUTPUT when set).
#
# A change to a stack file `Pulumi.<stack>.yaml` selects that stack; a change to anything the
# program is built from (code, Pulumi.yaml, package files, the dbt project, this workflow)
# selects every stack that has a `Pulumi.<stack>.yaml`; docs, tests, examples, benchmarks and
# developer tools (tools/: the program never imports them) select none — except tools/status and
# tools/backup, which the stack deploys as bundles (the exporter, the scheduled backup job).
# Stacks named in $PREVIEW_SKIP (space-separated) are never selected: stacks on a laptop's local
# backend, like `dev`, have no state in the shared backend to preview against.
set -euo pipefail

base="${1:?usage: changed-stacks.sh <base-ref> [<head-ref>]}"
head="${2:-HEAD}"

all=()
for f in Pulumi.*.yaml; do
    [ -e "$f" ] || continue
    s="${f#Pulumi.}"
    s="${s%.yaml}"
    case " ${PREVIEW_SKIP:-} " in *" $s "*) continue ;; esac
    all+=("$s")
done

everything=false
picked=()
while IFS= read -r f; do
    [ -n "$f" ] || continue
    case "$f" in
        Pulumi.yaml) everything=true ;;
        Pulumi.*.yaml) s="${f#Pulumi.}"; picked+=("${s%.yaml}") ;;
        tools/status/* | tools/backup/*) everything=true ;;
        docs/* | examples/* | test/* | bench/* | tools/* | *.md | LICENSE) ;;
        *) everything=true ;;
    esac
# Three dots: changes on the pull request since it forked, not what the base gained meanwhile.
done < <(git diff --name-only "$base...$head")

selected=()
for s in "${all[@]+"${all[@]}"}"; do
    if $everything; then
        selected+=("$s")
        continue
    fi
    for p in "${picked[@]+"${picked[@]}"}"; do
        # A deleted stack file is not previewed: the stack has no configuration left.
        if [ "$p" = "$s" ]; then selected+=("$s"); break; fi
    done
done

json="["
sep=""
for s in "${selected[@]+"${selected[@]}"}"; do
    json+="${sep}\"${s}\""
    sep=","
done
json+="]"

echo "$json"
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "stacks=$json" >> "$GITHUB_OUTPUT"; fi
