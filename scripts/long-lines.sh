#!/usr/bin/env bash
# Prints the lines of the repository's own files that are wider than the formatter's width (default 120), then a
# count per kind of file. A report, not a check: Prettier leaves long strings and URLs whole (ESLint's max-len
# allows those and fails on the rest). Usage: bash scripts/long-lines.sh [width] [path...]
set -euo pipefail
cd "$(dirname "$0")/.."
width="${1:-120}"
[ "$#" -eq 0 ] || shift
# The awk programs are single-quoted on purpose: awk, not the shell, expands their $0 and variables.
# shellcheck disable=SC2016
git ls-files -- "${@:-.}" ':(exclude)package-lock.json' ':(exclude)test/unit/__snapshots__' ':(exclude)test/fixtures' \
    ':(exclude)*.md' ':(exclude)*.jsonl' ':(exclude)*.sum' ':(exclude)*.lock' |
    xargs -d '\n' awk -v w="$width" 'length($0) > w { print FILENAME ":" FNR ": " length($0) }' |
    tee /dev/stderr |
    awk -F: -v w="$width" '
        { kind = ($1 ~ /^test\//) ? "test" : "product"; ext = $1; sub(/.*\./, "", ext); n[kind " ." ext]++; t[kind]++ }
        END {
            for (k in n) print "  " k ": " n[k]
            print "over " w ": product " (t["product"] + 0) ", test " (t["test"] + 0)
        }' |
    sort
