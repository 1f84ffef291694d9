"""Several processes at once against one `strongroom serve` (issue 19 item 6).

8 Python processes (multiprocessing), each with its own boto3 client, make 1,000 mixed calls each
(Encrypt, Decrypt, GenerateDataKey, DescribeKey, ReEncrypt, and about 5% calls that must fail:
a wrong encryption context, a disabled key, an unknown key). Every answer is checked (plaintexts
round-trip, the expected exception class), no retries are allowed (max_attempts 1), and any other
error fails the test. The processes sign with an access key made by `strongroom iam`. Then the
server is stopped with SIGTERM, the CLI opens the file, `audit verify` passes, and `audit export`
holds exactly one event per call under the user's ARN (with each client's address), counted by
operation and outcome.

Usage: multiprocess.py [STRONGROOM_BIN]   (run by tests/server/run.sh; about 20-40 s on 2 cores)
Environment: SR_MP_PROCS (8), SR_MP_CALLS (1000), SR_MP_SEED, SR_MP_TIMEOUT (seconds, 300).
"""

import collections
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time

import boto3
import botocore.config
import botocore.exceptions

BIN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("STRONGROOM_BIN", "target/debug/strongroom")
PROCS = int(os.environ.get("SR_MP_PROCS", "8"))
CALLS = int(os.environ.get("SR_MP_CALLS", "1000"))
SEED = int(os.environ.get("SR_MP_SEED", str(random.randrange(1 << 32))))
DEADLINE = time.monotonic() + float(os.environ.get("SR_MP_TIMEOUT", "300"))
ENV = dict(os.environ, STRONGROOM_PASSPHRASE="multiprocess passphrase",
           STRONGROOM_INSECURE_TEST_KDF="1")
MISSING = "11111111-2222-3333-4444-555555555555"

# The core's outcome name for each expected boto3 error class.
OUTCOME = {"InvalidCiphertextException": "InvalidCiphertext", "DisabledException": "Disabled",
           "NotFoundException": "NotFound"}


ARN = "arn:aws:iam::111122223333:user/mp"


def client(endpoint, key):
    return boto3.client(
        "kms", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
        config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5,
                                      read_timeout=30, max_pool_connections=1))


def worker(args):
    """Runs CALLS calls; returns ({(operation, outcome): n}, [unexpected error texts])."""
    index, endpoint, access_key, keys, disabled = args
    rng = random.Random(SEED * 1000 + index)
    kms = client(endpoint, access_key)
    counts = collections.Counter()
    unexpected = []
    blobs = []  # (blob, context, plaintext, key) this process made

    def expect_error(operation, name, call):
        try:
            call()
        except botocore.exceptions.ClientError as e:
            got = e.response["Error"]["Code"]
            if got != name:
                unexpected.append(f"{operation}: {got} where {name} was expected: {e}")
            counts[(operation, OUTCOME.get(got, got))] += 1
            return
        unexpected.append(f"{operation}: succeeded where {name} was expected")
        counts[(operation, "ok")] += 1

    for n in range(CALLS):
        if time.monotonic() > DEADLINE:
            unexpected.append(f"process {index}: out of time after {n} calls")
            break
        r = rng.random()
        key = rng.choice(keys)
        try:
            if r < 0.05:  # expected errors
                kind = n % 3
                if kind == 0 and blobs:
                    blob, ctx, _, _ = rng.choice(blobs)
                    bad = dict(ctx, process=str(index + 100))
                    expect_error("Decrypt", "InvalidCiphertextException",
                                 lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext=bad))
                elif kind == 1:
                    expect_error("Encrypt", "DisabledException",
                                 lambda: kms.encrypt(KeyId=disabled, Plaintext=b"x"))
                else:
                    expect_error("DescribeKey", "NotFoundException",
                                 lambda: kms.describe_key(KeyId=MISSING))
                continue
            if r < 0.30 or not blobs:
                pt = rng.randbytes(rng.randrange(1, 512))
                ctx = {"process": str(index), "call": str(n)}
                out = kms.encrypt(KeyId=key, Plaintext=pt, EncryptionContext=ctx)
                assert out["KeyId"].endswith(key.split("/")[-1]) or key.startswith("alias/"), out
                blobs.append((out["CiphertextBlob"], ctx, pt, key))
                if len(blobs) > 50:
                    blobs.pop(0)
                counts[("Encrypt", "ok")] += 1
            elif r < 0.55:
                blob, ctx, pt, _ = rng.choice(blobs)
                out = kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)
                if out["Plaintext"] != pt:
                    unexpected.append("Decrypt: a different plaintext came back")
                counts[("Decrypt", "ok")] += 1
            elif r < 0.70:
                out = kms.generate_data_key(KeyId=key, KeySpec=rng.choice(["AES_128", "AES_256"]))
                if len(out["Plaintext"]) not in (16, 32):
                    unexpected.append("GenerateDataKey: a data key of the wrong size")
                blobs.append((out["CiphertextBlob"], {}, out["Plaintext"], key))
                counts[("GenerateDataKey", "ok")] += 1
            elif r < 0.85:
                m = kms.describe_key(KeyId=key)["KeyMetadata"]
                if m["KeyState"] != "Enabled":
                    unexpected.append(f"DescribeKey: state {m['KeyState']}")
                counts[("DescribeKey", "ok")] += 1
            else:
                blob, ctx, pt, _ = rng.choice(blobs)
                dest = rng.choice(keys)
                out = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=ctx,
                                     DestinationKeyId=dest, DestinationEncryptionContext=ctx)
                blobs.append((out["CiphertextBlob"], ctx, pt, dest))
                counts[("ReEncrypt", "ok")] += 1
        except Exception as e:  # noqa: BLE001 - every other failure is the finding
            unexpected.append(f"call {n}: {type(e).__name__}: {e}")
    return counts, unexpected


def main():
    started = time.monotonic()
    work = tempfile.TemporaryDirectory()
    keystore = os.path.join(work.name, "ks")
    subprocess.run([BIN, "--keystore", keystore, "init"], env=ENV, check=True,
                   stdout=subprocess.DEVNULL, timeout=60)
    iam = lambda *a: subprocess.run([BIN, "--keystore", keystore, "iam", *a], env=ENV, check=True,
                                    capture_output=True, text=True, timeout=60).stdout
    iam("create-user", "--user-name", "mp")
    access_key = json.loads(iam("create-access-key", "--user-name", "mp"))["AccessKey"]
    err = open(os.path.join(work.name, "err"), "w+")
    proc = subprocess.Popen([BIN, "--keystore", keystore, "serve", "--listen", "127.0.0.1:0"],
                            env=ENV, stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith("listening on http://127.0.0.1:"):
            err.seek(0)
            sys.exit(f"no ready line: {line!r} {err.read()}")
        endpoint = line.removeprefix("listening on ")

        # Setup (its events are counted separately): three keys, one behind an alias, one disabled.
        kms = client(endpoint, access_key)
        setup = collections.Counter()
        keys = [kms.create_key(Description=f"mp {i}")["KeyMetadata"]["KeyId"] for i in range(3)]
        setup[("CreateKey", "ok")] += 3
        kms.create_alias(AliasName="alias/mp", TargetKeyId=keys[0])
        setup[("CreateAlias", "ok")] += 1
        disabled = kms.create_key(Description="mp disabled")["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=disabled)
        setup[("CreateKey", "ok")] += 1
        setup[("DisableKey", "ok")] += 1
        names = keys + ["alias/mp"]

        t0 = time.monotonic()
        with multiprocessing.get_context("fork").Pool(PROCS) as pool:
            results = pool.map(worker, [(i, endpoint, access_key, names, disabled)
                                        for i in range(PROCS)])
        elapsed = time.monotonic() - t0
        calls = collections.Counter()
        unexpected = []
        for counts, errors in results:
            calls.update(counts)
            unexpected.extend(errors)
        total = sum(calls.values())
        expected_errors = sum(n for (_, outcome), n in calls.items() if outcome != "ok")

        proc.terminate()
        code = proc.wait(timeout=60)
        if code != 0:
            err.seek(0)
            sys.exit(f"server exited {code} after SIGTERM: {err.read()}")

        verify = subprocess.run([BIN, "--keystore", keystore, "audit", "verify", "--output", "json"],
                                env=ENV, capture_output=True, text=True, timeout=120)
        if verify.returncode != 0:
            sys.exit(f"audit verify failed: {verify.stderr}")
        verified = json.loads(verify.stdout)["EventsVerified"]
        export = subprocess.run([BIN, "--keystore", keystore, "audit", "export"], env=ENV,
                                capture_output=True, text=True, timeout=120, check=True)
        trail = collections.Counter()
        for row in export.stdout.splitlines():
            e = json.loads(row)
            if e["caller"].startswith(ARN + "@127.0.0.1:"):
                trail[(e["operation"], e["outcome"])] += e["count"]
        want = calls + setup

        print(f"multiprocess: seed {SEED}, {PROCS} processes x {CALLS} calls: {total} calls "
              f"({expected_errors} expected errors) in {elapsed:.1f} s "
              f"({total / elapsed:.0f} calls/s), {len(unexpected)} unexpected errors")
        for (op, outcome), n in sorted(calls.items()):
            print(f"  {op:16} {outcome:18} calls {n:5}  audit {trail[(op, outcome)]:5}")
        print(f"  audit verify: {verified} events verified; total {time.monotonic() - started:.1f} s")
        failed = False
        if unexpected:
            print("UNEXPECTED ERRORS (first 20):", *unexpected[:20], sep="\n  ")
            failed = True
        if total != PROCS * CALLS:
            print(f"FAILURE: {total} calls made, {PROCS * CALLS} planned")
            failed = True
        if trail != want:
            print(f"FAILURE: the audit trail does not hold one event per call: "
                  f"calls+setup {dict(want)} != trail {dict(trail)}")
            failed = True
        if sum(trail.values()) - sum(setup.values()) != total:
            print("FAILURE: event count differs from the call count")
            failed = True
        if failed:
            sys.exit(f"multiprocess test failed (replay with SR_MP_SEED={SEED})")
        print(f"FIGURE multiprocess: {PROCS} processes, {total} calls, 0 unexpected errors, "
              f"{sum(trail.values()) - sum(setup.values())} events in the audit trail, verified")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err.close()
        work.cleanup()


if __name__ == "__main__":
    main()
