#!/usr/bin/env bash
# Builds FerretDB v1.24 (a MongoDB wire-protocol server; its SQLite backend needs no other
# service) from the Go module proxy into the cache, once, and prints the binary's path on stdout.
# Used by test/engine/seed-mongo*.test.ts to test the seed's MongoDB write path for real.
#   bash test/support/ferretdb.sh          # build if missing, print path
# Needs: go (any recent toolchain) and access to the Go module proxy on first run (~3 min).
set -euo pipefail
version="v1.24.0"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cdc-pipeline/ferretdb"
bin="$cache/$version/bin/ferretdb"

# (Reads the whole --version output: `| grep -q` could SIGPIPE it and, with pipefail, fail.)
built() { [ -x "$bin" ] && [[ "$("$bin" --version 2>/dev/null || true)" == *"version: $version"* ]]; }
if built; then
    echo "$bin"
    exit 0
fi
command -v go >/dev/null 2>&1 || {
    echo "ferretdb.sh: go is not on PATH (needed once to build FerretDB $version)" >&2
    exit 3
}

mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9
if built; then
    echo "$bin"
    exit 0
fi

export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
echo "ferretdb.sh: building FerretDB $version from the Go module proxy (first run only)..." >&2
src_dir="$(go mod download -json "github.com/FerretDB/FerretDB@$version" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$src_dir" ] && [ -d "$src_dir" ] || {
    echo "ferretdb.sh: go mod download of FerretDB $version failed" >&2
    exit 3
}

work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -r "$src_dir/." "$work/"
chmod -R u+w "$work"
# The module ships without build/version/version.txt, which the binary embeds and requires.
echo "$version" > "$work/build/version/version.txt"
mkdir -p "$(dirname "$bin")"
(cd "$work" && go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
built || { echo "ferretdb.sh: the built binary does not report version $version" >&2; exit 3; }
echo "$bin"
