#!/usr/bin/env bash
# By-hand benchmark of `strongroom encrypt-file` / `decrypt-file` on a large file (not run in CI).
#
#   bash crates/strongroom-cli/benches/encrypt-file.sh [SIZE_MIB]   (default 1024 = 1 GiB)
#
# Prints: raw AES-256-GCM throughput of one core (examples/aes_gcm_rate.rs), the cores the
# pipeline uses, encrypt and decrypt wall time, throughput and peak resident memory
# (/usr/bin/time), and checks the round trip with cmp. The issue's bar: encrypt-file at least
# 0.7 x raw single-core rate x cores used, peak memory under 64 MiB whatever the size.
set -euo pipefail
cd "$(dirname "$0")/../../.."
size_mib=${1:-1024}
cargo build --release -q -p strongroom-cli --bin strongroom --example aes_gcm_rate
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target/release/strongroom"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export STRONGROOM_KEYSTORE="$work/bench.strongroom" STRONGROOM_PASSPHRASE=bench STRONGROOM_INSECURE_TEST_KDF=1
"$bin" init > /dev/null
key=$("$bin" create-key --query KeyMetadata.KeyId --output text)
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/plain"
cores=$(nproc)
"$target/release/examples/aes_gcm_rate" 2048 | tee "$work/raw.txt"
raw=$(sed -E 's/.*= ([0-9]+) MiB\/s/\1/' "$work/raw.txt")

measure() { # label, then the command
  local label=$1; shift
  cat "$work/plain" > /dev/null   # warm the page cache for the input
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@"
  read -r secs kib < "$work/time.txt"
  python3 - "$label" "$size_mib" "$secs" "$kib" "$raw" "$cores" <<'PY'
import sys
label, mib, secs, kib, raw, cores = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
rate = mib / max(secs, 1e-9)
print(f"{label}: {mib} MiB in {secs:.2f} s = {rate:.0f} MiB/s = {rate / (raw * cores):.2f} x (raw x {cores} cores); peak RSS {kib / 1024:.1f} MiB")
PY
}
# Baselines on this machine: reading the input alone, and copying it to a file (disk bound).
measure "cat > /dev/null (read baseline)" bash -c "cat '$work/plain' > /dev/null"
measure "cp + sync (disk write baseline)" bash -c "cp '$work/plain' '$work/copy' && sync '$work/copy'"
rm -f "$work/copy"
measure "encrypt-file > /dev/null (pipeline, no disk)" bash -c "'$bin' encrypt-file --key-id '$key' '$work/plain' > /dev/null"
measure "encrypt-file" "$bin" encrypt-file --key-id "$key" "$work/plain" "$work/enc"
measure "decrypt-file > /dev/null (pipeline, no disk)" bash -c "'$bin' decrypt-file '$work/enc' > /dev/null"
rm -f "$work/dec"
measure "decrypt-file" "$bin" decrypt-file "$work/enc" "$work/dec"
cmp "$work/plain" "$work/dec" && echo "round trip: identical"
