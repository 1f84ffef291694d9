#!/usr/bin/env bash
# Prints sr_encrypt's rate from C next to the Rust core's encrypt rate, same machine, same run.
# Usage: bash tests/c/bench.sh [SECONDS_PER_SIZE]   (default 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-2}
cargo rustc --release -p strongroom-ffi --crate-type staticlib -q
cargo build --release -p strongroom-ffi --example encrypt_rate -q
mkdir -p target/c-tests
gcc -std=c11 -Wall -Wextra -Werror -O2 -Iinclude -Itests/c tests/c/bench.c \
  target/release/libstrongroom.a $(cat tests/c/native-static-libs.txt) -o target/c-tests/bench
target/release/examples/encrypt_rate "$seconds"
target/c-tests/bench "$seconds"
