#!/usr/bin/env bash
# Memory soak of `strongroom serve` (issue 19 item 8; by hand, not in CI):
#   bash tests/server/soak.sh [SECONDS=600] [LOOPS=2] [RATE=150]
# The release server on a fresh keystore (127.0.0.1:0), LOOPS client loops (soak_client.py, boto3)
# each making RATE mixed calls a second (encrypt/decrypt/data keys/re-encrypt/describe/lists/random,
# 0.5% create-key + schedule-key-deletion, 4% expected errors; a new client every 500 calls) for
# SECONDS. The server's VmRSS (VmHWM, RssAnon, RssFile, threads, open files, the file's size) is read
# from /proc every 10 s into target/soak/server-soak-<time>.csv. At the end: SIGTERM, `audit verify`, and the figures: RSS at
# start (first sample under load), middle and end, peak, and the least-squares slope over the
# whole run and over its second half (KiB a minute).
# The keystore's redb page cache (64 MiB, crates/strongroom/src/storage/file.rs) keeps the pages
# written, so RSS follows the file's growth until the cache is full. SR_SOAK_CONTEXT_BYTES=7000 pads
# each Encrypt's context (kept in its audit event) so the file outgrows the cache within minutes
# and the ceiling shows: SR_SOAK_CONTEXT_BYTES=7000 bash tests/server/soak.sh 600.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
seconds=${1:-600}
loops=${2:-2}
rate=${3:-150}
venv="$root/target/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import boto3' 2> /dev/null ||
  "$venv/bin/pip" install --quiet --disable-pip-version-check boto3
cargo build --quiet --release -p strongroom-cli
bin="$root/target/release/strongroom"

mkdir -p target/soak
csv="$root/target/soak/server-soak-$(date -u +%Y%m%dT%H%M%SZ).csv"
work=$(mktemp -d)
pid=""
clients=()
cleanup() {
  for c in "${clients[@]}"; do kill "$c" 2> /dev/null || true; done
  if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then kill -KILL "$pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export STRONGROOM_KEYSTORE="$work/ks" STRONGROOM_PASSPHRASE="soak passphrase" STRONGROOM_INSECURE_TEST_KDF=1
"$bin" init > /dev/null
"$bin" serve --listen 127.0.0.1:0 --unauthenticated > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.1; done
endpoint=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$endpoint" ] || { echo "no ready line"; cat "$work/err"; exit 1; }
echo "soak: server pid $pid at $endpoint, $loops loops x $rate calls/s for $seconds s; samples in $csv"

sample() {  # seconds,rss_kib,hwm_kib,anon_kib,filemap_kib,threads,fds,file_kib
  local t=$1 rss hwm anon fmap thr fds file
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
  anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status")
  fmap=$(awk '/^RssFile:/ {print $2}' "/proc/$pid/status")
  thr=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
  fds=$(ls "/proc/$pid/fd" | wc -l)
  file=$(($(stat -c %s "$STRONGROOM_KEYSTORE") / 1024))
  echo "$t,$rss,$hwm,$anon,$fmap,$thr,$fds,$file" >> "$csv"
}
echo "seconds,rss_kib,hwm_kib,anon_kib,filemap_kib,threads,fds,file_kib" > "$csv"
sample 0
for i in $(seq "$loops"); do
  "$venv/bin/python" tests/server/soak_client.py "$endpoint" "$seconds" "$rate" "$i" > "$work/client$i" 2>&1 &
  clients+=($!)
done
t0=$(date +%s)
for ((s = 10; s <= seconds; s += 10)); do
  sleep $((t0 + s - $(date +%s))) 2> /dev/null || true
  kill -0 "$pid" 2> /dev/null || { echo "the server died"; cat "$work/err"; exit 1; }
  sample "$s"
done
status=0
for c in "${clients[@]}"; do wait "$c" || status=1; done
clients=()
cat "$work"/client*
kill -TERM "$pid"
wait "$pid" || { echo "server exit status $? after SIGTERM"; status=1; }
pid=""
"$bin" audit verify --query EventsVerified --output text | sed 's/^/audit verify: events verified /'
ls -l "$STRONGROOM_KEYSTORE" | awk '{print "keystore file: " $5 " bytes"}'

"$venv/bin/python" - "$csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
pts = [(int(r["seconds"]), int(r["rss_kib"])) for r in rows if int(r["seconds"]) > 0]
def slope(p):  # KiB per minute, least squares
    n = len(p)
    if n < 2:
        return float("nan")
    mx = sum(x for x, _ in p) / n; my = sum(y for _, y in p) / n
    return 60 * sum((x - mx) * (y - my) for x, y in p) / sum((x - mx) ** 2 for x, _ in p)
start, mid, end = pts[0], pts[len(pts) // 2], pts[-1]
peak = max(int(r["hwm_kib"]) for r in rows)
idle = int(rows[0]["rss_kib"])
thr = sorted({r["threads"] for r in rows}); fds = [int(r["fds"]) for r in rows]
files = [(int(r["seconds"]), int(r["file_kib"])) for r in rows if int(r["seconds"]) > 0]
anon = [(int(r["seconds"]), int(r["anon_kib"])) for r in rows if int(r["seconds"]) > 0]
fmap = [(int(r["seconds"]), int(r["filemap_kib"])) for r in rows if int(r["seconds"]) > 0]
print(f"FIGURE server soak: {end[0]} s, {len(rows)} samples; RSS idle {idle} KiB, start {start[1]} KiB "
      f"(t={start[0]} s), middle {mid[1]} KiB (t={mid[0]} s), end {end[1]} KiB (t={end[0]} s), "
      f"peak (VmHWM) {peak} KiB; slope {slope(pts):+.1f} KiB/min over the run, "
      f"{slope(pts[len(pts) // 2:]):+.1f} KiB/min over the second half; threads {','.join(thr)}; "
      f"RssAnon {anon[0][1]} -> {anon[len(anon) // 2][1]} -> {anon[-1][1]} KiB ({slope(anon):+.1f} KiB/min), "
      f"RssFile {fmap[0][1]} -> {fmap[-1][1]} KiB; open fds {min(fds)}-{max(fds)}; keystore file {files[0][1]} -> {files[-1][1]} KiB "
      f"({slope(files):+.1f} KiB/min)")
PY
exit $status
