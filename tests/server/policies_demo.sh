#!/usr/bin/env bash
# The seeds' demo of key policies (issue 20, item 4) with the real AWS CLI and two profiles:
# myKeyManager may describe, disable, enable, rotate, schedule and cancel deletion but not encrypt;
# myKeyUser may encrypt, decrypt, generate data keys and describe but not schedule deletion; a Deny
# on Decrypt unless kms:EncryptionContext:tenant is acme holds; a policy naming a user the keystore
# does not have is MalformedPolicyDocumentException; every refusal is in the audit trail under the
# refused user's ARN and address. The users and their access keys come from `strongroom iam`
# (AWS IAM's CreateAccessKey shape), one AWS CLI profile each. Run by tests/server/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
venv="$root/target/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check awscli
cargo build --quiet -p strongroom-cli
bin="$root/target/debug/strongroom"

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

export STRONGROOM_KEYSTORE="$work/ks" STRONGROOM_PASSPHRASE="policy demo passphrase"
export STRONGROOM_INSECURE_TEST_KDF=1
export AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1
export AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
"$bin" init > /dev/null

# Two users, each with an access key, as two AWS CLI profiles.
: > "$AWS_SHARED_CREDENTIALS_FILE"
for user in myKeyManager myKeyUser; do
  "$bin" iam create-user --user-name "$user" > /dev/null
  (umask 077; "$bin" iam create-access-key --user-name "$user" > "$work/$user.json")
  id=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKey"]["AccessKeyId"])' "$work/$user.json")
  secret=$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKey"]["SecretAccessKey"])' "$work/$user.json")
  printf '[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$user" "$id" "$secret" >> "$AWS_SHARED_CREDENTIALS_FILE"
done
chmod 600 "$AWS_SHARED_CREDENTIALS_FILE"

# The key, created in-process (the account root) with the seeds' policy.
cat > "$work/policy.json" <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:user/myKeyManager"},
     "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                "kms:RotateKeyOnDemand"],
     "Resource": "*"},
    {"Sid": "Allow use of the key", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:user/myKeyUser"},
     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
     "Resource": "*"},
    {"Sid": "Decrypt only for tenant acme", "Effect": "Deny", "Principal": "*",
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringNotEquals": {"kms:EncryptionContext:tenant": "acme"}}}
  ]
}
JSON
key=$("$bin" create-key --description "policy demo" --policy "file://$work/policy.json" --query KeyMetadata.KeyId --output text)
"$bin" create-alias --alias-name alias/demo --target-key-id "$key"

"$bin" serve --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 100); do
  grep -q '^listening on http://127.0.0.1:[0-9]*$' "$work/out" && break
  sleep 0.1
done
endpoint=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$endpoint" ] || { cat "$work/err"; fail "the server did not start"; }
as() { local profile=$1; shift; "$venv/bin/aws" --endpoint-url "$endpoint" --profile "$profile" kms "$@"; }
denied() {
  local out
  if out=$("$@" 2>&1); then fail "allowed: $*"; fi
  grep -q AccessDeniedException <<<"$out" || fail "not AccessDeniedException: $* -> $out"
}

cd "$work"
printf 'the launch codes' > secret.txt

echo "== myKeyManager administers, does not use =="
as myKeyManager describe-key --key-id alias/demo > /dev/null
as myKeyManager disable-key --key-id "$key"
as myKeyManager enable-key --key-id "$key"
as myKeyManager rotate-key-on-demand --key-id "$key" > /dev/null
as myKeyManager schedule-key-deletion --key-id "$key" --pending-window-in-days 7 > /dev/null
as myKeyManager cancel-key-deletion --key-id "$key" > /dev/null
as myKeyManager enable-key --key-id "$key"
grep -q myKeyUser <<<"$(as myKeyManager get-key-policy --key-id "$key" --policy-name default --query Policy --output text)"
denied as myKeyManager encrypt --key-id alias/demo --plaintext fileb://secret.txt
sed 's/user\/myKeyUser/user\/nobody/' "$work/policy.json" > nobody.json
if out=$(as myKeyManager put-key-policy --key-id "$key" --policy-name default --policy file://nobody.json 2>&1); then
  fail "a policy naming a user that does not exist was accepted"
fi
grep -q MalformedPolicyDocumentException <<<"$out" || fail "not MalformedPolicyDocumentException: $out"
grep -q myKeyUser <<<"$(as myKeyManager get-key-policy --key-id "$key" --query Policy --output text)" \
  || fail "the refused policy replaced the key's"

echo "== myKeyUser uses, does not administer =="
as myKeyUser encrypt --key-id alias/demo --plaintext fileb://secret.txt --encryption-context tenant=acme \
  --output text --query CiphertextBlob | base64 --decode > acme.bin
as myKeyUser decrypt --ciphertext-blob fileb://acme.bin --encryption-context tenant=acme \
  --output text --query Plaintext | base64 --decode | cmp - secret.txt
as myKeyUser generate-data-key --key-id alias/demo --key-spec AES_256 --encryption-context tenant=acme > /dev/null
as myKeyUser describe-key --key-id alias/demo > /dev/null
denied as myKeyUser schedule-key-deletion --key-id "$key"

echo "== the Deny on Decrypt outside tenant acme holds =="
as myKeyUser encrypt --key-id alias/demo --plaintext fileb://secret.txt --encryption-context tenant=evil \
  --output text --query CiphertextBlob | base64 --decode > evil.bin
denied as myKeyUser decrypt --ciphertext-blob fileb://evil.bin --encryption-context tenant=evil

kill -TERM "$pid"; wait "$pid" || true; pid=""

echo "== every refusal is in the audit trail =="
refused=$("$bin" audit list --outcome AccessDenied --output json)
for op in Encrypt ScheduleKeyDeletion Decrypt; do
  grep -q "\"$op\"" <<<"$refused" || fail "no AccessDenied $op in the audit trail"
done
# Each refusal is recorded under the refused user and the client's address.
who() { "$bin" audit list --outcome AccessDenied --operation "$1" --query 'Events[].Caller' --output text | tr '\t' '\n'; }
grep -qx 'arn:aws:iam::111122223333:user/myKeyManager@127\.0\.0\.1:[0-9]*' <<<"$(who Encrypt)" \
  || fail "the refused Encrypt is not under myKeyManager: $(who Encrypt)"
grep -qx 'arn:aws:iam::111122223333:user/myKeyUser@127\.0\.0\.1:[0-9]*' <<<"$(who ScheduleKeyDeletion)" \
  || fail "the refused ScheduleKeyDeletion is not under myKeyUser: $(who ScheduleKeyDeletion)"
"$bin" audit verify > /dev/null
echo "policies demo: all checks passed"
