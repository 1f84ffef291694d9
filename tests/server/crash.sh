#!/usr/bin/env bash
# kill -9 of `strongroom serve` under load, ROUNDS times, then a restart and a check of every
# acknowledged state change (issue 19 item 8; by hand, not in CI; about 3-6 s a round):
#   bash tests/server/crash.sh [ROUNDS=50] [SEED]
# What it drives and checks: tests/server/crash.py. The release build; SR_CRASH_THREADS (3)
# client threads. Exit 1 on any lost acknowledged change.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
venv="$root/target/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import boto3' 2> /dev/null ||
  "$venv/bin/pip" install --quiet --disable-pip-version-check boto3
cargo build --quiet --release -p strongroom-cli
exec "$venv/bin/python" tests/server/crash.py "$root/target/release/strongroom" "${1:-50}" ${2:+"$2"}
