#!/usr/bin/env bash
# Go binding checks (issue 8, issue 16): installs Go (golang-go), gcc and pkg-config from Debian if
# missing, builds the static library (target/release/libstrongroom.a) and checks its native link
# line against the pinned one, stages it as an installed copy would be (lib/, include/ and a
# strongroom.pc made from crates/strongroom-ffi/strongroom.pc.in, under target/go-prefix, linking
# to this checkout's target/ and include/), and runs gofmt, go vet and go test -race with
# PKG_CONFIG_PATH pointing there: the package finds the library only through pkg-config
# (`#cgo pkg-config: --static strongroom`). Standard library only: no module downloads.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

missing=()
command -v go >/dev/null || missing+=(golang-go)
command -v gcc >/dev/null || missing+=(gcc)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  echo "-- installing ${missing[*]}"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
go version

echo "-- building the static library (release) and reading its native link line"
build_log=$(cargo rustc --release -p strongroom-ffi --crate-type staticlib -- --print native-static-libs 2>&1) \
  || { printf '%s\n' "$build_log"; fail "cargo build"; }
native=$(printf '%s\n' "$build_log" | sed -n 's/.*native-static-libs: //p' | tail -n 1)
pinned=$(cat tests/c/native-static-libs.txt)
[ "$native" = "$pinned" ] || fail "native-static-libs changed: rustc says '$native', tests/c/native-static-libs.txt says '$pinned'"

echo "-- staging an installed copy under target/go-prefix (symlinks into target/release and include/)"
# Only the static library in lib/: with a libstrongroom.so beside it the linker would pick that.
prefix="$root/target/go-prefix"
rm -rf "$prefix" && mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
ln -s "$root/target/release/libstrongroom.a" "$prefix/lib/libstrongroom.a"
ln -s "$root/include/strongroom.h" "$prefix/include/strongroom.h"
sed "s#@PREFIX@#$prefix#" crates/strongroom-ffi/strongroom.pc.in > "$prefix/lib/pkgconfig/strongroom.pc"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
libs=$(pkg-config --libs --static strongroom | sed 's/ *$//')
[ "$libs" = "-L$prefix/lib -lstrongroom $pinned" ] \
  || fail "pkg-config --libs --static strongroom is '$libs', not '-L$prefix/lib -lstrongroom $pinned'"

# The package names the library through pkg-config only: no path into the repository.
grep -q '^#cgo pkg-config: --static strongroom$' bindings/go/strongroom.go \
  || fail "bindings/go/strongroom.go does not say '#cgo pkg-config: --static strongroom'"
if grep -n -E '^#cgo (CFLAGS|LDFLAGS)|SRCDIR' bindings/go/*.go; then
  fail "bindings/go names the library or the header by path (above); use pkg-config"
fi

cd bindings/go
export GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=1
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted"
echo "-- go vet"
go vet ./...
echo "-- go test -race"
go test -race -count=1 ./...
echo "Go tests passed"
