#!/usr/bin/env bash
# strongroom serve against moto_server and a bare hyper server, side by side in one run (issue 19's
# targets; NOT run in CI). wrk, 2 threads, 64 connections, DURATION s (default 10) each, on
# 127.0.0.1 only:
#  (a) strongroom serve (a `strongroom iam` access key): Encrypt of 32 B with an encryption context, SigV4-signed;
#  (b) moto_server (pip moto[server]) serving the same request;
#  (a'') the same server and request on a key whose policy has 10 statements
#        (benches/server/ten-statement-policy.json; issue 20's target: below 10% of a request);
#  (a') strongroom serve --unauthenticated, the same request (for SigV4's share of a request);
#  (c) a minimal hyper server (crates/strongroom-server/examples/hello.rs) answering a fixed 200.
# The request is signed once with botocore right before each run and replayed by wrk: the
# signature covers X-Amz-Date, so a replay is valid for AWS's 5-minute skew window, far longer
# than a run. Every replay is verified in full by strongroom (no replay cache exists to skip it).
# Prints requests/s, p99 latency, the ratios and the targets (>= 100x moto, >= 0.5x hyper,
# p99 < 5 ms). Installs wrk (apt) and moto[server] into target/venv if missing.
# Usage: bash benches/server/run.sh        DURATION=30 bash benches/server/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
secs=${DURATION:-10}
if ! command -v wrk > /dev/null; then
  apt-get install -y wrk > /dev/null || { apt-get update > /dev/null && apt-get install -y wrk > /dev/null; }
fi
venv="$root/target/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]" boto3
cargo build --quiet --release -p strongroom-cli
cargo build --quiet --release -p strongroom-server --example hello
bin="$root/target/release/strongroom"
hello="$root/target/release/examples/hello"

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for a "listening on URL" line in $1 and prints the URL.
ready() {
  for _ in $(seq 300); do
    if grep -q '^listening on http://127.0.0.1:[0-9]*$' "$1"; then sed 's/^listening on //' "$1"; return; fi
    sleep 0.1
  done
  echo "no listening line in $1" >&2; cat "$1" >&2; exit 1
}

export STRONGROOM_KEYSTORE="$work/ks" STRONGROOM_PASSPHRASE="bench passphrase"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
"$bin" init > /dev/null
for u in bench admin ops auditor signer; do "$bin" iam create-user --user-name "$u" > /dev/null; done
read -r access_key secret < <("$bin" iam create-access-key --user-name bench \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
"$bin" serve --listen 127.0.0.1:0 > "$work/sr.out" 2> "$work/sr.err" &
pids+=($!)
sr=$(ready "$work/sr.out")
STRONGROOM_KEYSTORE="$work/ks2" "$bin" init > /dev/null
STRONGROOM_KEYSTORE="$work/ks2" "$bin" serve --listen 127.0.0.1:0 --unauthenticated > "$work/open.out" 2> "$work/open.err" &
pids+=($!)
open=$(ready "$work/open.out")

moto_port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" > "$work/moto.log" 2>&1 &
pids+=($!)
moto="http://127.0.0.1:$moto_port"
for _ in $(seq 300); do curl -s -o /dev/null "$moto/moto-api/" && break; sleep 0.1; done

"$hello" 127.0.0.1:0 > "$work/hello.out" &
pids+=($!)
hyper=$(ready "$work/hello.out")

# Creates a key on server $1 (with the key policy in file $2, if given) and prints its id.
create_key() {
  "$venv/bin/python" -c 'import boto3, sys
kms = boto3.client("kms", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
extra = {"Policy": open(sys.argv[4]).read()} if len(sys.argv) > 4 else {}
print(kms.create_key(Description="bench", **extra)["KeyMetadata"]["KeyId"])' "$1" "$access_key" "$secret" "${@:2}"
}

# Runs wrk against $2 with a freshly signed request for key $3; prints "name rps p99_ms".
measure() {
  local name=$1 url=$2 key=$3
  "$venv/bin/python" benches/server/sign.py "$url" "$key" "$access_key" "$secret" "$work/$name.lua"
  wrk -t2 -c64 -d"${secs}s" --latency -s "$work/$name.lua" "$url/" > "$work/$name.wrk"
  local rps p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/$name.wrk")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v*=1000}; print v}' "$work/$name.wrk")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/$name.wrk")
  if [ -n "$bad" ] && [ "$name" != hyper ]; then
    echo "$name: $bad non-2xx responses" >&2; cat "$work/$name.wrk" >&2; exit 1
  fi
  grep -q "Socket errors" "$work/$name.wrk" && { echo "$name: socket errors:" >&2; grep "Socket errors" "$work/$name.wrk" >&2; }
  echo "$name $rps $p99"
}

echo "== $(date -u +%FT%TZ), $(nproc) cores, wrk -t2 -c64 -d${secs}s --latency, Encrypt 32 B with a context, SigV4 =="
a=$(measure strongroom "$sr" "$(create_key "$sr")")
a3=$(measure policy "$sr" "$(create_key "$sr" benches/server/ten-statement-policy.json)")
a2=$(measure open "$open" "$(create_key "$open")")
b=$(measure moto "$moto" "$(create_key "$moto")")
c=$(measure hyper "$hyper" "unused")
printf '%s\n%s\n%s\n%s\n%s\n' "$a" "$a3" "$a2" "$b" "$c" | awk '
  { rps[$1] = $2; p99[$1] = $3 }
  END {
    printf "%-34s %12s %10s\n", "server", "requests/s", "p99 ms"
    printf "%-34s %12.0f %10.2f\n", "strongroom serve (SigV4 Encrypt)", rps["strongroom"], p99["strongroom"]
    printf "%-34s %12.0f %10.2f\n", "strongroom, 10-statement policy", rps["policy"], p99["policy"]
    printf "%-34s %12.0f %10.2f\n", "strongroom serve, unauthenticated", rps["open"], p99["open"]
    printf "%-34s %12.0f %10.2f\n", "moto_server (same request)", rps["moto"], p99["moto"]
    printf "%-34s %12.0f %10.2f\n", "bare hyper (fixed 200 body)", rps["hyper"], p99["hyper"]
    r1 = rps["strongroom"] / rps["moto"]; r2 = rps["strongroom"] / rps["hyper"]
    printf "strongroom / moto  = %8.1fx (target >= 100x: %s)\n", r1, (r1 >= 100 ? "met" : "NOT met")
    printf "strongroom / hyper = %8.2fx (target >= 0.5x: %s)\n", r2, (r2 >= 0.5 ? "met" : "NOT met")
    printf "SigV4 share        = %8.1f%% of a request (1 - signed/unauthenticated rate; target < 20%%)\n", 100 * (1 - rps["strongroom"] / rps["open"])
    printf "10 statements      = %8.1f%% of a request (1 - policy/default-policy rate; target < 10%%)\n", 100 * (1 - rps["policy"] / rps["strongroom"])
    printf "strongroom p99     = %8.2f ms (target < 5 ms: %s)\n", p99["strongroom"], (p99["strongroom"] < 5 ? "met" : "NOT met")
  }'
