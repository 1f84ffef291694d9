#!/usr/bin/env bash
# The AWS Encryption SDK CLI (aws-encryption-cli, installed here) against `strongroom serve`: a
# file encrypted and decrypted with a strongroom key as its wrapping key, in strict mode (the
# key named by its arn:aws:kms ARN, as the SDK requires), and a tampered file refused.
# Usage: tests/server/esdk.sh ENDPOINT KEY_ARN (run.sh calls it with its server and a key).
set -euo pipefail
endpoint=$1 key_arn=$2
cd "$(dirname "$0")/../.."
venv="$(pwd)/target/venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check aws-encryption-sdk-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The SDK builds its KMS client from the key ARN's region; botocore sends it to the endpoint.
export AWS_ENDPOINT_URL_KMS="$endpoint"
esdk() { "$venv/bin/aws-encryption-cli" "$@" --wrapping-keys "key=$key_arn" \
  --commitment-policy require-encrypt-require-decrypt --suppress-metadata; }
head -c 100000 /dev/urandom > "$work/plain.bin"
esdk --encrypt --input "$work/plain.bin" --output "$work/plain.enc" --encryption-context purpose=test
esdk --decrypt --input "$work/plain.enc" --output "$work/plain.out" --encryption-context purpose=test
cmp "$work/plain.bin" "$work/plain.out"
# One flipped byte in the body: the SDK refuses the file.
python3 - "$work/plain.enc" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[-200] ^= 1
open(p, "wb").write(bytes(b))
PY
if esdk --decrypt --input "$work/plain.enc" --output "$work/tampered.out" 2> "$work/err"; then
  echo "the Encryption SDK decrypted a tampered file"; exit 1
fi
echo "Encryption SDK CLI: round trip of 100000 bytes and a refused tampered file"
