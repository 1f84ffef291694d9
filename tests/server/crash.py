"""kill -9 of `strongroom serve` under load, N times (issue 19 item 8; run by tests/server/crash.sh).

One keystore for the whole run. Each round: start the server (127.0.0.1:0), check everything the
model holds (below), then THREADS client threads (boto3, one client each, no retries) drive
state changes on keys each thread owns (create-key, create-alias, disable/enable,
schedule-key-deletion, cancel-key-deletion) and encrypts, recording every call answered with
HTTP 200 in the model; at a random moment (10% of rounds within 50 ms, else 50-1500 ms) the
server gets SIGKILL. Every call that got no answer is "in doubt" (at most one per thread).
Then, with the server dead:
  - the CLI opens the file: `audit verify` passes, `audit export` is read;
  - the server is restarted; every key, its state and description, and every alias must be as
    the model says, except what an in-doubt call touched, which must be the state before or
    after that call (the model takes what is found);
  - for each key, the trail's `ok` state-change events (CreateKey, CreateAlias, DisableKey,
    EnableKey, ScheduleKeyDeletion, CancelKeyDeletion) must be exactly the model's list of
    acknowledged changes (plus an in-doubt change found applied): a change and its event are
    committed together (docs/audit.md);
  - Encrypt events are group-committed (docs/audit.md: the last 50 ms plus one commit may be
    lost at a crash): the round's Encrypt events must not exceed the acknowledged encrypts plus
    those in doubt; the ones missing are counted as "lost encrypt events", with the age of the
    oldest acknowledged encrypt that may have been lost (its ack time to the kill);
  - a sample of acknowledged encrypts must decrypt (the key's state permitting).
After the last round the server is restarted, checked, stopped with SIGTERM and the trail
verified once more. Exit 1 on any lost acknowledged change.

Usage: crash.py BIN ROUNDS [SEED]
"""

import collections
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

import boto3
import botocore.config
import botocore.exceptions

BIN = sys.argv[1]
ROUNDS = int(sys.argv[2])
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else random.randrange(1 << 32)
THREADS = int(os.environ.get("SR_CRASH_THREADS", "3"))
MAX_CALLS = 3000  # per thread per round (a bound; the kill comes first)
ENV = dict(os.environ, STRONGROOM_PASSPHRASE="crash passphrase", STRONGROOM_INSECURE_TEST_KDF="1")
STATE_OPS = {"CreateKey", "CreateAlias", "DisableKey", "EnableKey", "ScheduleKeyDeletion",
             "CancelKeyDeletion"}
rng = random.Random(SEED)
failures = []


def fail(msg):
    failures.append(msg)
    print("FAILURE:", msg, flush=True)


def client(endpoint):
    return boto3.session.Session().client(
        "kms", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5,
                                      read_timeout=30))


class Model:
    def __init__(self):
        self.keys = {}  # id -> {"state", "desc", "owner"}
        self.aliases = {}  # name -> key id
        self.changes = collections.defaultdict(list)  # key id -> [acknowledged state-change op]
        self.blobs = []  # (key id, blob, context, plaintext): a sample of acknowledged encrypts


model = Model()
lock = threading.Lock()


def drive(t, endpoint, rnd, stop, out, ready):
    """One thread's calls until the server is gone. out: {"doubt", "acked", "encrypt_acks"}."""
    kms = client(endpoint)
    ready.wait()  # every client is made before the kill's timer starts
    r = random.Random(SEED * 7919 + rnd * 101 + t)
    for n in range(MAX_CALLS):
        if stop.is_set():
            return
        with lock:
            mine = {k: v for k, v in model.keys.items() if v["owner"] == t}
        live = [k for k, v in mine.items() if v["state"] != "PendingDeletion"]
        enabled = [k for k, v in mine.items() if v["state"] == "Enabled"]
        pending = [k for k, v in mine.items() if v["state"] == "PendingDeletion"]
        x = r.random()
        if x < 0.06 or not enabled:
            op = ("CreateKey", f"crash r{rnd} t{t} n{n}")
        elif x < 0.20:
            op = ("CreateAlias", f"alias/crash-{rnd}-{t}-{n}", r.choice(live))
        elif x < 0.40:
            op = ("Toggle", r.choice(live))
        elif x < 0.45:
            op = ("ScheduleKeyDeletion", r.choice(live))
        elif x < 0.50 and pending:
            op = ("CancelKeyDeletion", r.choice(pending))
        else:
            op = ("Encrypt", r.choice(enabled))
        if op[0] == "Toggle":
            op = ("DisableKey" if mine[op[1]]["state"] == "Enabled" else "EnableKey", op[1])
        out["doubt"] = op
        try:
            if op[0] == "CreateKey":
                res = kms.create_key(Description=op[1])
                with lock:
                    k = res["KeyMetadata"]["KeyId"]
                    model.keys[k] = {"state": "Enabled", "desc": op[1], "owner": t}
                    model.changes[k].append("CreateKey")
            elif op[0] == "CreateAlias":
                kms.create_alias(AliasName=op[1], TargetKeyId=op[2])
                with lock:
                    model.aliases[op[1]] = op[2]
                    model.changes[op[2]].append("CreateAlias")
            elif op[0] == "Encrypt":
                pt = r.randbytes(32)
                ctx = {"round": str(rnd), "n": str(n)}
                res = kms.encrypt(KeyId=op[1], Plaintext=pt, EncryptionContext=ctx)
                out["encrypt_acks"].append(time.monotonic())
                if n % 10 == 0:
                    with lock:
                        model.blobs.append((op[1], res["CiphertextBlob"], ctx, pt))
            else:
                if op[0] == "ScheduleKeyDeletion":
                    kms.schedule_key_deletion(KeyId=op[1], PendingWindowInDays=7)
                else:
                    getattr(kms, {"DisableKey": "disable_key", "EnableKey": "enable_key",
                                  "CancelKeyDeletion": "cancel_key_deletion"}[op[0]])(KeyId=op[1])
                new = {"DisableKey": "Disabled", "EnableKey": "Enabled",
                       "ScheduleKeyDeletion": "PendingDeletion", "CancelKeyDeletion": "Disabled"}
                with lock:
                    model.keys[op[1]]["state"] = new[op[0]]
                    model.changes[op[1]].append(op[0])
            out["doubt"] = None
            out["acked"][op[0]] += 1
        except botocore.exceptions.ClientError as e:
            # An answer (HTTP 4xx/5xx) from a live server: never expected here.
            out["doubt"] = None
            fail(f"round {rnd} thread {t}: {op} answered {e.response['Error']['Code']}: {e}")
            return
        except Exception:  # connection refused/reset: the server is gone; op stays in doubt
            return


def start(keystore):
    t0 = time.monotonic()
    proc = subprocess.Popen([BIN, "--keystore", keystore, "serve", "--listen", "127.0.0.1:0",
                             "--unauthenticated"], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on http://127.0.0.1:"):
        proc.kill()
        sys.exit(f"FAILURE: the server did not start: {line!r} {proc.stderr.read()}")
    return proc, line.removeprefix("listening on "), time.monotonic() - t0


def cli(keystore, *args):
    out = subprocess.run([BIN, "--keystore", keystore, *args], env=ENV, capture_output=True,
                         text=True, timeout=300)
    if out.returncode != 0:
        fail(f"`strongroom {' '.join(args)}` failed after a kill: {out.stderr.strip()}")
    return out.stdout


def check_state(endpoint, doubts, rnd):
    """Compares the server's keys and aliases with the model; settles in-doubt calls."""
    kms = client(endpoint)
    found = {}
    for page in kms.get_paginator("list_keys").paginate():
        for k in page["Keys"]:
            found[k["KeyId"]] = None
    doubt_create = {op[1]: t for t, op in doubts.items() if op and op[0] == "CreateKey"}
    applied = []  # (thread, op, key) of in-doubt changes found applied
    for k in found:
        m = kms.describe_key(KeyId=k)["KeyMetadata"]
        found[k] = m
        if k not in model.keys:
            if m["Description"] in doubt_create and m["KeyState"] == "Enabled":
                t = doubt_create.pop(m["Description"])
                model.keys[k] = {"state": "Enabled", "desc": m["Description"], "owner": t}
                applied.append((t, ("CreateKey",), k))
            else:
                fail(f"round {rnd}: a key no call made: {k} {m['Description']!r} {m['KeyState']}")
    for k, v in model.keys.items():
        m = found.get(k)
        if m is None:
            fail(f"round {rnd}: LOST acknowledged key {k} ({v['desc']})")
            continue
        if m["Description"] != v["desc"]:
            fail(f"round {rnd}: key {k} description {m['Description']!r} != {v['desc']!r}")
        if m["KeyState"] != v["state"]:
            d = [(t, op) for t, op in doubts.items() if op and len(op) > 1 and op[-1] == k
                 and op[0] in STATE_OPS and op[0] != "CreateAlias"]
            after = {"DisableKey": "Disabled", "EnableKey": "Enabled",
                     "ScheduleKeyDeletion": "PendingDeletion", "CancelKeyDeletion": "Disabled"}
            if d and after[d[0][1][0]] == m["KeyState"]:
                v["state"] = m["KeyState"]
                applied.append((d[0][0], d[0][1], k))
            else:
                fail(f"round {rnd}: LOST acknowledged state of key {k}: {m['KeyState']} on the "
                     f"server, {v['state']} acknowledged (in doubt: {d})")
    aliases = {}
    for page in kms.get_paginator("list_aliases").paginate():
        for a in page["Aliases"]:
            if a["AliasName"].startswith("alias/crash-"):
                aliases[a["AliasName"]] = a.get("TargetKeyId")
    for name, k in aliases.items():
        if name not in model.aliases:
            d = [(t, op) for t, op in doubts.items() if op and op[0] == "CreateAlias" and op[1] == name]
            if d and d[0][1][2] == k:
                model.aliases[name] = k
                applied.append((d[0][0], d[0][1], k))
            else:
                fail(f"round {rnd}: an alias no call made: {name} -> {k}")
    for name, k in model.aliases.items():
        if aliases.get(name) != k:
            fail(f"round {rnd}: LOST acknowledged alias {name} -> {k} (server: {aliases.get(name)})")
    for t, op, k in applied:
        model.changes[k].append(op[0])
    # A sample of acknowledged encrypts decrypts (if the key's state allows).
    sample = [b for b in model.blobs[-40:] if model.keys[b[0]]["state"] == "Enabled"]
    for k, blob, ctx, pt in rng.sample(sample, min(10, len(sample))):
        try:
            if kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"] != pt:
                fail(f"round {rnd}: an acknowledged ciphertext of {k} decrypts to something else")
        except botocore.exceptions.ClientError as e:
            fail(f"round {rnd}: an acknowledged ciphertext of {k} does not decrypt: {e}")
    return len(found), len(applied)


def check_trail(events, rnd):
    got = collections.defaultdict(list)
    for e in events:
        if e["outcome"] == "ok" and e["operation"] in STATE_OPS and e["caller"].startswith("anonymous@"):
            got[e["key_id"]].append(e["operation"])
    for k in set(got) | set(model.changes):
        if got.get(k, []) != model.changes.get(k, []):
            fail(f"round {rnd}: key {k}: state-change events {got.get(k)} != acknowledged "
                 f"(plus in-doubt found applied) {model.changes.get(k)}")


def main():
    work = tempfile.mkdtemp(prefix="strongroom-crash-")
    keystore = os.path.join(work, "ks")
    subprocess.run([BIN, "--keystore", keystore, "init"], env=ENV, check=True,
                   stdout=subprocess.DEVNULL, timeout=60)
    totals = collections.Counter()
    lost_encrypt = 0
    worst_window = 0.0
    doubts_total = doubts_applied = 0
    slowest_start = 0.0
    early = 0
    print(f"crash: {ROUNDS} rounds, {THREADS} threads, seed {SEED}, keystore {keystore}", flush=True)
    started = time.monotonic()
    doubts = {}
    for rnd in range(ROUNDS + 1):
        proc, endpoint, took = start(keystore)
        slowest_start = max(slowest_start, took)
        nkeys, napplied = check_state(endpoint, doubts, rnd)
        doubts_applied += napplied
        if rnd > 0:  # the trail was exported before this restart; compare with the settled model
            check_trail(events, rnd)
        if rnd == ROUNDS:
            proc.terminate()
            if proc.wait(timeout=60) != 0:
                fail(f"exit status {proc.returncode} after SIGTERM: {proc.stderr.read()}")
            verified = json.loads(cli(keystore, "audit", "verify"))["EventsVerified"]
            break
        stop = threading.Event()
        outs = [{"doubt": None, "acked": collections.Counter(), "encrypt_acks": []}
                for _ in range(THREADS)]
        ready = threading.Barrier(THREADS + 1)
        threads = [threading.Thread(target=drive, args=(t, endpoint, rnd, stop, outs[t], ready))
                   for t in range(THREADS)]
        for th in threads:
            th.start()
        ready.wait()
        if rng.random() < 0.1:
            delay = rng.uniform(0, 0.05)
            early += 1
        else:
            delay = rng.uniform(0.05, 1.5)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        killed = time.monotonic()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        stop.set()
        for th in threads:
            th.join(timeout=60)
            if th.is_alive():
                sys.exit("FAILURE: a client thread hangs after the kill")
        doubts = {t: o["doubt"] for t, o in enumerate(outs) if o["doubt"]}
        doubts_total += sum(1 for op in doubts.values() if op[0] != "Encrypt")
        for o in outs:
            totals.update(o["acked"])
        # The file opens and the trail verifies; read it.
        cli(keystore, "audit", "verify")
        events = [json.loads(x) for x in cli(keystore, "audit", "export").splitlines()]
        # This round's session: events after the server's last OpenKeystore.
        last_open = max(i for i, e in enumerate(events)
                        if e["operation"] == "OpenKeystore" and e["caller"] == "strongroom-serve")
        session = events[last_open:]
        enc_events = sum(e["count"] for e in session
                         if e["operation"] == "Encrypt" and e["outcome"] == "ok")
        acks = sorted(a for o in outs for a in o["encrypt_acks"])
        in_doubt_enc = sum(1 for op in doubts.values() if op[0] == "Encrypt")
        if enc_events > len(acks) + in_doubt_enc:
            fail(f"round {rnd}: {enc_events} Encrypt events for {len(acks)} acknowledged "
                 f"encrypts and {in_doubt_enc} in doubt")
        lost = max(0, len(acks) - enc_events)
        if lost:
            lost_encrypt += lost
            worst_window = max(worst_window, killed - acks[-lost])
        changes = sum(o["acked"][op] for o in outs for op in o["acked"] if op != "Encrypt")
        print(f"round {rnd + 1}/{ROUNDS}: kill after {delay * 1000:.0f} ms; {changes} changes and "
              f"{len(acks)} encrypts acknowledged, {len(doubts)} in doubt; keys checked {nkeys}; "
              f"encrypt events lost {lost}; restart {took * 1000:.0f} ms", flush=True)
    changes = sum(n for op, n in totals.items() if op != "Encrypt")
    print(f"FIGURE server crash: {ROUNDS} kill -9 rounds ({early} within 50 ms of the load's start), "
          f"{changes} acknowledged state changes ({', '.join(f'{op} {n}' for op, n in sorted(totals.items()) if op != 'Encrypt')}) "
          f"and {totals['Encrypt']} acknowledged encrypts; {len([f for f in failures if 'LOST' in f])} lost "
          f"acknowledged changes, {len(failures)} failures; in doubt at the kills {doubts_total} state "
          f"changes ({doubts_applied} found applied); {lost_encrypt} Encrypt audit events lost "
          f"(each acknowledged at most {worst_window * 1000:.0f} ms before its kill); final trail {verified} "
          f"events verified; {len(model.keys)} keys, {len(model.aliases)} aliases; slowest restart "
          f"{slowest_start * 1000:.0f} ms; {time.monotonic() - started:.0f} s; seed {SEED}")
    if failures:
        print(f"crash test FAILED ({len(failures)}); keystore kept in {work}; replay: seed {SEED}")
        sys.exit(1)
    subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    main()
