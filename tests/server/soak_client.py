"""One client loop of tests/server/soak.sh: mixed calls at a steady, capped rate for SECONDS.

Usage: soak_client.py ENDPOINT SECONDS RATE INDEX   (environment: SR_SOAK_CONTEXT_BYTES)
Every 500 calls the boto3 client is dropped and a new one made (new connections). Prints one line
`calls N errors E` at the end; exits 1 on any unexpected error (expected ones are counted).
"""

import os
import random
import sys
import time

import boto3
import botocore.config
import botocore.exceptions

endpoint, seconds, rate, index = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
# SR_SOAK_CONTEXT_BYTES: pad each Encrypt's context (recorded in its audit event) with this many
# bytes, so the file, and redb's page cache with it, grows fast: the cache's ceiling shows in minutes.
PAD = int(os.environ.get("SR_SOAK_CONTEXT_BYTES", "0"))


def client():
    return boto3.client(
        "kms", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5,
                                      read_timeout=30))


rng = random.Random(index)
kms = client()
keys = [kms.create_key(Description=f"soak {index}.{i}")["KeyMetadata"]["KeyId"] for i in range(4)]
kms.create_alias(AliasName=f"alias/soak-{index}", TargetKeyId=keys[0])
keys.append(f"alias/soak-{index}")
blobs = []
calls = expected = 0
unexpected = []
start = time.monotonic()
end = start + seconds
while time.monotonic() < end and len(unexpected) < 20:
    # Pace: call n starts no earlier than start + n / rate.
    delay = start + calls / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    if calls % 500 == 499:
        kms.close()
        kms = client()
    calls += 1
    r = rng.random()
    key = rng.choice(keys)
    try:
        if r < 0.25 or not blobs:
            pt = rng.randbytes(rng.randrange(1, 4096))
            ctx = {"loop": str(index), "n": str(calls)}
            if PAD:
                ctx["pad"] = "p" * PAD
            blobs.append((kms.encrypt(KeyId=key, Plaintext=pt, EncryptionContext=ctx)["CiphertextBlob"], ctx, pt))
        elif r < 0.50:
            blob, ctx, pt = rng.choice(blobs)
            if kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"] != pt:
                unexpected.append("decrypt: wrong plaintext")
        elif r < 0.62:
            out = kms.generate_data_key(KeyId=key, KeySpec="AES_256")
            blobs.append((out["CiphertextBlob"], {}, out["Plaintext"]))
        elif r < 0.72:
            blob, ctx, pt = rng.choice(blobs)
            out = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=ctx,
                                 DestinationKeyId=rng.choice(keys), DestinationEncryptionContext=ctx)
            blobs.append((out["CiphertextBlob"], ctx, pt))
        elif r < 0.82:
            kms.describe_key(KeyId=key)
        elif r < 0.87:
            kms.list_keys(Limit=50)
        elif r < 0.90:
            kms.list_aliases()
        elif r < 0.93:
            kms.generate_random(NumberOfBytes=rng.randrange(1, 1025))
        elif r < 0.935:  # 0.5%: a key made and scheduled for deletion: the keystore grows a little
            k = kms.create_key(Description="soak churn")["KeyMetadata"]["KeyId"]
            kms.schedule_key_deletion(KeyId=k, PendingWindowInDays=7)
        else:  # expected errors
            try:
                if r < 0.97:
                    kms.describe_key(KeyId="11111111-2222-3333-4444-555555555555")
                else:
                    blob, ctx, _ = rng.choice(blobs)
                    kms.decrypt(CiphertextBlob=blob, EncryptionContext=dict(ctx, wrong="1"))
                unexpected.append("an expected error did not come")
            except botocore.exceptions.ClientError as e:
                if e.response["Error"]["Code"] not in ("NotFoundException", "InvalidCiphertextException"):
                    raise
                expected += 1
        if len(blobs) > 200:
            del blobs[:100]
    except Exception as e:  # noqa: BLE001
        unexpected.append(f"{type(e).__name__}: {e}")
print(f"loop {index}: calls {calls} expected_errors {expected} unexpected {len(unexpected)} "
      f"rate {calls / (time.monotonic() - start):.0f}/s")
for u in unexpected:
    print("  UNEXPECTED", u)
sys.exit(1 if unexpected else 0)
