#!/usr/bin/env bash
# The server's long load test, by hand (not in CI): 1,000 connections held open at once on
# 127.0.0.1, each doing 100 requests (Encrypt of 32 B with a context, and GenerateRandom), every one
# a 200; then the CI part (1,000 connections x 1 request, the hostile-client set) again.
# The test holds both ends of every connection: it needs about 2,200 open files (ulimit -n).
# Usage: bash tests/server/load.sh          PROFILE=release bash tests/server/load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  ulimit -n 4096 || { echo "ulimit -n is $(ulimit -n); raise it to 4096"; exit 1; }
fi
profile=()
[ "${PROFILE:-}" = release ] && profile=(--release)
cargo nextest run "${profile[@]}" -p strongroom-server -E 'binary(load)' --run-ignored all --no-capture
