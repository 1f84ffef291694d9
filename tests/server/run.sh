#!/usr/bin/env bash
# strongroom serve against clients no one here wrote: the AWS CLI (the seeds' `aws kms` and
# `aws secretsmanager` commands, unchanged but for --endpoint-url), boto3 (test_boto3.py, every
# served operation and error; test_boto3_secrets.py, Secrets Manager's) and the AWS SDK for
# JavaScript v3 (sdk_js.mjs: a round trip and NotFoundException), all signing with an access key
# made by `strongroom iam create-access-key`, as an operator would; then the key policy demo
# (policies_demo.sh: two users, two AWS CLI profiles).
# Installs awscli, boto3 and pytest into target/venv, @aws-sdk/client-kms into target/js-sdk. Every server binds 127.0.0.1 on a free port
# (--listen 127.0.0.1:0) and is stopped here with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
venv="$root/target/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check awscli boto3 pytest
cargo build --quiet -p strongroom-cli
bin="$root/target/debug/strongroom"

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export STRONGROOM_KEYSTORE="$work/ks" STRONGROOM_PASSPHRASE="server test passphrase"
export STRONGROOM_INSECURE_TEST_KDF=1
export AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1
"$bin" init > /dev/null
# A user and its access key, in AWS IAM's CreateAccessKey shape; every client below signs with it.
"$bin" iam create-user --user-name ci --query User.Arn --output text > "$work/arn"
(umask 077; "$bin" iam create-access-key --user-name ci > "$work/ci-key.json")
AWS_ACCESS_KEY_ID=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKey"]["AccessKeyId"])' "$work/ci-key.json")
AWS_SECRET_ACCESS_KEY=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKey"]["SecretAccessKey"])' "$work/ci-key.json")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
[ "$("$bin" iam list-access-keys --user-name ci --query 'AccessKeyMetadata[0].Status' --output text)" = Active ]

"$bin" serve --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 100); do
  grep -q '^listening on http://127.0.0.1:[0-9]*$' "$work/out" && break
  sleep 0.1
done
line=$(cat "$work/out")
[ "$(wc -l < "$work/out")" -eq 1 ] || { echo "expected one line, got: $line"; cat "$work/err"; exit 1; }
endpoint=${line#listening on }
if grep -q WARNING "$work/err"; then echo "a warning without --unauthenticated"; cat "$work/err"; exit 1; fi
aws() { "$venv/bin/aws" --endpoint-url "$endpoint" "$@"; }

echo "== AWS CLI against $endpoint =="
cd "$work"
key=$(aws kms create-key --description "seed key" --query KeyMetadata.KeyId --output text)
other=$(aws kms create-key --query KeyMetadata.KeyId --output text)
aws kms create-alias --alias-name alias/seed --target-key-id "$key"
printf 'the launch codes' > secret.txt
aws kms encrypt --key-id alias/seed --plaintext fileb://secret.txt --output text --query CiphertextBlob | base64 --decode > encryptedsecret.txt
aws kms decrypt --ciphertext-blob fileb://encryptedsecret.txt --output text --query Plaintext | base64 --decode > decrypted.txt
cmp secret.txt decrypted.txt
aws kms re-encrypt --ciphertext-blob fileb://encryptedsecret.txt --destination-key-id "$other" --output text --query CiphertextBlob | base64 --decode > reencrypted.txt
aws kms decrypt --ciphertext-blob fileb://reencrypted.txt --output text --query Plaintext | base64 --decode | cmp - secret.txt
src=$(aws kms re-encrypt --ciphertext-blob fileb://encryptedsecret.txt --destination-key-id "$other" --output text --query SourceKeyId)
case "$src" in *":key/$key") ;; *) echo "SourceKeyId $src is not the ARN of $key"; exit 1 ;; esac
aws kms enable-key-rotation --key-id "$key"
[ "$(aws kms get-key-rotation-status --key-id "$key" --query KeyRotationEnabled --output text)" = True ]
len=$(aws kms generate-data-key --key-id alias/seed --key-spec AES_256 --query Plaintext --output text | base64 --decode | wc -c)
[ "$len" -eq 32 ] || { echo "data key of $len bytes"; exit 1; }
state=$(aws kms schedule-key-deletion --key-id "$other" --pending-window-in-days 7 --query KeyState --output text)
[ "$state" = PendingDeletion ]
if aws kms encrypt --key-id "$other" --plaintext fileb://secret.txt > /dev/null 2> err.txt; then
  echo "encrypt under a key pending deletion succeeded"; exit 1
fi
grep -q 'KMSInvalidStateException' err.txt
for _ in 1 2 3; do aws kms create-key --query KeyMetadata.KeyId --output text > /dev/null; done
# The CLI's paginator follows NextMarker: 5 keys in pages of 2.
[ "$(aws kms list-keys --page-size 2 --query 'length(Keys)' --output json)" -eq 5 ]
[ "$(aws kms list-keys --max-items 2 --query 'length(Keys)' --output json)" -eq 2 ]
# Secrets Manager on the same port: store, read from a script, rotate, read the previous one.
aws secretsmanager create-secret --name prod/db --secret-string 'hunter2' > /dev/null
[ "$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)" = hunter2 ]
aws secretsmanager put-secret-value --secret-id prod/db --secret-string 'rotated' > /dev/null
[ "$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)" = rotated ]
[ "$(aws secretsmanager get-secret-value --secret-id prod/db --version-stage AWSPREVIOUS --query SecretString --output text)" = hunter2 ]
aws secretsmanager delete-secret --secret-id prod/db --recovery-window-in-days 7 > /dev/null
aws secretsmanager restore-secret --secret-id prod/db > /dev/null
[ "$(aws secretsmanager list-secrets --query 'length(SecretList)' --output json)" -eq 1 ]
# A resource policy: a Deny on DeleteSecret for every principal, then removed.
printf '%s' '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:DeleteSecret", "Resource": "*"}]}' > rp.json
aws secretsmanager put-resource-policy --secret-id prod/db --resource-policy file://rp.json --block-public-policy > /dev/null
[ "$(aws secretsmanager validate-resource-policy --resource-policy file://rp.json --query PolicyValidationPassed --output text)" = True ]
[ "$(aws secretsmanager get-resource-policy --secret-id prod/db --query ResourcePolicy --output text)" = "$(cat rp.json)" ]
if aws secretsmanager delete-secret --secret-id prod/db 2> rp.err; then echo "the Deny did not refuse"; exit 1; fi
grep -q AccessDeniedException rp.err
aws secretsmanager delete-resource-policy --secret-id prod/db > /dev/null
cd "$root"

echo "== AWS Encryption SDK CLI against $endpoint =="
bash tests/server/esdk.sh "$endpoint" "$(aws kms describe-key --key-id "$key" --query KeyMetadata.Arn --output text)"

echo "== AWS SDK for JavaScript v3 against $endpoint =="
js="$root/target/js-sdk"
mkdir -p "$js"
[ -f "$js/package.json" ] || echo '{"private": true}' > "$js/package.json"
if [ ! -d "$js/node_modules/@aws-sdk/client-kms" ]; then
  (cd "$js" && npm install --silent --no-audit --no-fund @aws-sdk/client-kms)
fi
SR_JS_SDK_DIR="$js" NODE_NO_WARNINGS=1 node tests/server/sdk_js.mjs "$endpoint"

echo "== SIGTERM: graceful stop, audit trail closed and verified =="
kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "server still running 10 s after SIGTERM"; exit 1; fi
wait "$pid"
pid=""
"$bin" audit verify > /dev/null
# Each request's events name the principal's ARN and the client's address; the server's own
# (open, close) name strongroom-serve.
arn=$(cat "$work/arn")
"$bin" audit list --operation Encrypt --query 'Events[].Caller' --output text | tr '\t' '\n' > "$work/callers.txt"
[ -s "$work/callers.txt" ] || { echo "no Encrypt events"; exit 1; }
if grep -v "^$arn@127\.0\.0\.1:[0-9]*$" "$work/callers.txt"; then echo "Encrypt events not under $arn@ADDR"; exit 1; fi
"$bin" audit list --query "Events[?Caller=='strongroom-serve'].Operation" --output text > "$work/ops.txt"
grep -q CloseKeystore "$work/ops.txt"

echo "== TLS: --tls-self-signed on 127.0.0.1, the AWS CLI trusting the written certificate =="
if "$bin" serve --listen 0.0.0.0:0 --unauthenticated > /dev/null 2> "$work/refused"; then
  echo "a non-loopback address without TLS was served"; exit 1
fi
grep -q "is not a loopback address" "$work/refused" || { cat "$work/refused"; exit 1; }
"$bin" serve --listen 127.0.0.1:0 --unauthenticated --tls-self-signed --tls-cert-out "$work/cert.pem" \
  > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 100); do
  grep -q '^listening on https://127.0.0.1:[0-9]*$' "$work/out" && break
  sleep 0.1
done
endpoint=$(sed 's/^listening on //' "$work/out")
case "$endpoint" in https://127.0.0.1:*) ;; *) echo "no https endpoint: $endpoint"; cat "$work/err"; exit 1 ;; esac
grep -q WARNING "$work/err" || { echo "no warning for --unauthenticated"; exit 1; }
fp=$(sed -n 's/^TLS: self-signed certificate for .*, SHA-256 fingerprint \([0-9A-F:]*\).*/\1/p' "$work/err")
[ ${#fp} -eq 95 ] || { echo "no fingerprint on stderr"; cat "$work/err"; exit 1; }
if command -v openssl > /dev/null; then
  [ "$(openssl x509 -in "$work/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)" = "$fp" ]
fi
"$venv/bin/aws" --endpoint-url "$endpoint" --ca-bundle "$work/cert.pem" kms list-keys --output json > /dev/null
if "$venv/bin/aws" --endpoint-url "$endpoint" kms list-keys > /dev/null 2>&1; then
  echo "a client that does not trust the self-signed certificate got through"; exit 1
fi
kill -TERM "$pid"; wait "$pid"; pid=""

echo "== boto3 (pytest) =="
STRONGROOM_BIN="$bin" "$venv/bin/python" -m pytest -q tests/server

echo "== 8 boto3 processes x 1,000 mixed calls; the audit trail holds every call and verifies =="
"$venv/bin/python" tests/server/multiprocess.py "$bin"
echo "== key policies: the seeds' demo with two IAM users as two AWS CLI profiles =="
bash tests/server/policies_demo.sh
echo "server tests passed"
