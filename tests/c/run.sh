#!/usr/bin/env bash
# C surface checks (issue 8): builds the static library, checks the committed header against a
# fresh cbindgen run (pinned version), compiles the C tests and the docs/c-guide.md snippet with
# gcc -std=c11 -Wall -Wextra -Werror, and runs them plainly, under valgrind memcheck, and built
# with -fsanitize=address,undefined. Needs Rust, gcc and valgrind (installed with apt-get on
# Debian if missing); installs the pinned cbindgen under target/tools if it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
CBINDGEN_VERSION=0.29.4
out="$root/target/c-tests"
mkdir -p "$out"

step() { printf '\n-- %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v openssl >/dev/null || missing+=(openssl)  # test_import_audit wraps key material with it
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The pinned cbindgen: from PATH if it is that version, else target/tools (installed if missing).
cbindgen=""
if command -v cbindgen >/dev/null && [ "$(cbindgen --version)" = "cbindgen $CBINDGEN_VERSION" ]; then
  cbindgen=$(command -v cbindgen)
else
  cbindgen="$root/target/tools/cbindgen/bin/cbindgen"
  if [ ! -x "$cbindgen" ] || [ "$("$cbindgen" --version)" != "cbindgen $CBINDGEN_VERSION" ]; then
    step "installing cbindgen $CBINDGEN_VERSION into target/tools/cbindgen"
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --root "$root/target/tools/cbindgen"
  fi
fi

step "building the static library (release) and reading its native link line"
build_log=$(cargo rustc --release -p strongroom-ffi --crate-type staticlib -- --print native-static-libs 2>&1) \
  || { printf '%s\n' "$build_log"; fail "cargo build"; }
native=$(printf '%s\n' "$build_log" | sed -n 's/.*native-static-libs: //p' | tail -n 1)
pinned=$(cat tests/c/native-static-libs.txt)
[ -n "$native" ] || fail "rustc printed no native-static-libs line"
[ "$native" = "$pinned" ] || fail "native-static-libs changed: rustc says '$native', tests/c/native-static-libs.txt (and strongroom.pc.in's Libs.private, which bindings/go links through pkg-config) say '$pinned'"
lib="$root/target/release/libstrongroom.a"
echo "link line: $lib $native"

step "header drift (cbindgen $CBINDGEN_VERSION)"
git ls-files --error-unmatch include/strongroom.h >/dev/null 2>&1 || fail "include/strongroom.h is not committed"
"$cbindgen" --quiet --config crates/strongroom-ffi/cbindgen.toml --crate strongroom-ffi --output include/strongroom.h
git diff --exit-code -- include/strongroom.h || fail "include/strongroom.h differs from what cbindgen generates; regenerate and commit it"
version=$(cargo pkgid -p strongroom-ffi | sed 's/.*[@#]//')
IFS=. read -r major minor patch <<<"$version"
grep -q "#define STRONGROOM_VERSION_MAJOR $major\$" include/strongroom.h || fail "STRONGROOM_VERSION_MAJOR is not $major"
grep -q "#define STRONGROOM_VERSION_MINOR $minor\$" include/strongroom.h || fail "STRONGROOM_VERSION_MINOR is not $minor"
grep -q "#define STRONGROOM_VERSION_PATCH $patch\$" include/strongroom.h || fail "STRONGROOM_VERSION_PATCH is not $patch"
grep -q "^Version: $version\$" crates/strongroom-ffi/strongroom.pc.in || fail "crates/strongroom-ffi/strongroom.pc.in does not say Version: $version"
grep -q "^Libs.private: $pinned\$" crates/strongroom-ffi/strongroom.pc.in || fail "crates/strongroom-ffi/strongroom.pc.in Libs.private is not the pinned link line"

step "extracting the docs/c-guide.md snippet"
awk '/<!-- compiled by tests\/c\/run.sh -->/ {armed=1; next}
     armed && /^```c/ {inside=1; next}
     inside && /^```/ {exit}
     inside {print}' docs/c-guide.md > "$out/guide_example.c"
[ -s "$out/guide_example.c" ] || fail "no compiled snippet found in docs/c-guide.md"

cflags=(-std=c11 -Wall -Wextra -Werror -Iinclude -Itests/c)
# shellcheck disable=SC2206
libs=($lib $native)
tests=(test_api test_threads test_lifecycle test_import_audit test_asymmetric test_stream test_close_race test_fork test_secrets test_dry_run_paging test_bench_smoke)
sources() { case "$1" in guide_example) echo "$out/guide_example.c";; test_bench_smoke) echo tests/c/bench.c;; *) echo "tests/c/$1.c";; esac; }

step "compiling (gcc ${cflags[*]})"
for t in "${tests[@]}" guide_example; do
  gcc "${cflags[@]}" -g -O1 "$(sources "$t")" "${libs[@]}" -o "$out/$t"
  gcc "${cflags[@]}" -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
    "$(sources "$t")" "${libs[@]}" -o "$out/$t.asan"
done
nm "$out/test_api.asan" | grep __asan_init >/dev/null || fail "the sanitizer build is not instrumented"

export TMPDIR="${TMPDIR:-/tmp}"
step "running plainly"
for t in "${tests[@]}"; do "$out/$t"; done
(cd "$out" && rm -rf guide-demo && mkdir guide-demo && cd guide-demo && "$out/guide_example")

step "installing into a staging prefix and building the guide example with pkg-config"
if command -v pkg-config >/dev/null; then
  stage="$out/stage"
  rm -rf "$stage" && mkdir -p "$stage/lib/pkgconfig" "$stage/include"
  cp "$lib" "$stage/lib/" && cp include/strongroom.h "$stage/include/"
  sed "s#@PREFIX@#$stage#" crates/strongroom-ffi/strongroom.pc.in > "$stage/lib/pkgconfig/strongroom.pc"
  # shellcheck disable=SC2046
  gcc -std=c11 -Wall -Wextra -Werror "$out/guide_example.c" \
    $(PKG_CONFIG_PATH="$stage/lib/pkgconfig" pkg-config --cflags --libs --static strongroom) -o "$out/guide_example.pc"
  (cd "$out" && rm -rf guide-demo && mkdir guide-demo && cd guide-demo && "$out/guide_example.pc" >/dev/null)
  echo "pkg-config build works"
else
  echo "pkg-config not installed; skipped"
fi

step "running under valgrind memcheck (0 errors, 0 bytes definitely lost)"
for t in test_api test_threads test_lifecycle test_import_audit test_asymmetric test_stream test_close_race test_fork test_secrets test_dry_run_paging; do
  valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
    --suppressions=tests/c/valgrind.supp "$out/$t" || fail "valgrind reported errors in $t"
done

step "running with -fsanitize=address,undefined"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${tests[@]}"; do "$out/$t.asan"; done
(cd "$out" && rm -rf guide-demo && mkdir guide-demo && cd guide-demo && "$out/guide_example.asan")
rm -rf "$out/guide-demo"

echo
echo "C tests passed: plain, valgrind, sanitizers; header up to date"
