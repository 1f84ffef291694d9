#!/usr/bin/env bash
# Go binding checks (issue 8): installs Go from Debian (golang-go) if missing, builds the static
# library the package links (target/release/libstrongroom.a), checks that the cgo link line is the
# pinned native-static-libs line, and runs gofmt, go vet and go test -race. Standard library only:
# no module downloads.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v go >/dev/null; then
  echo "-- installing golang-go"
  apt-get update -qq && apt-get install -y -qq golang-go >/dev/null
fi
command -v gcc >/dev/null || { apt-get update -qq && apt-get install -y -qq gcc >/dev/null; }
go version

echo "-- building the static library (release)"
build_log=$(cargo rustc --release -p strongroom-ffi --crate-type staticlib -- --print native-static-libs 2>&1) \
  || { printf '%s\n' "$build_log"; echo "FAILED: cargo build" >&2; exit 1; }
pinned=$(cat tests/c/native-static-libs.txt)
grep -q -- "libstrongroom.a $pinned\$" bindings/go/strongroom.go \
  || { echo "FAILED: bindings/go/strongroom.go LDFLAGS do not end with the pinned link line: $pinned" >&2; exit 1; }

cd bindings/go
export GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=1
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { echo "FAILED: gofmt would change: $unformatted" >&2; exit 1; }
echo "-- go vet"
go vet ./...
echo "-- go test -race"
go test -race -count=1 ./...
echo "Go tests passed"
