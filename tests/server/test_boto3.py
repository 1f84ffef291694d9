"""boto3 against `strongroom serve`: every served operation and error class, in unauthenticated
mode with dummy credentials and with real SigV4 by the keystore's own users (`strongroom iam`).
Each server binds 127.0.0.1:0, is read from its one line, and is stopped with SIGTERM by its
fixture."""

import json
import os
import re
import subprocess
import tempfile
import time

import boto3
import botocore.config
import pytest

BIN = os.environ.get("STRONGROOM_BIN", "target/debug/strongroom")
ENV = dict(os.environ, STRONGROOM_PASSPHRASE="pytest passphrase", STRONGROOM_INSECURE_TEST_KDF="1")


class Server:
    def __init__(self, *args, setup=None):
        self.dir = tempfile.TemporaryDirectory()
        self.keystore = os.path.join(self.dir.name, "ks")
        subprocess.run([BIN, "--keystore", self.keystore, "init"], env=ENV, check=True,
                       stdout=subprocess.DEVNULL, timeout=60)
        if setup:
            setup(self)
        self.proc = subprocess.Popen(
            [BIN, "--keystore", self.keystore, "serve", "--listen", "127.0.0.1:0", *args],
            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()  # the server prints it once it accepts
        assert line.startswith("listening on http://127.0.0.1:"), (line, self.proc.stderr.read())
        self.endpoint = line.removeprefix("listening on ")

    def client(self, key_id="x", secret="x"):
        return boto3.client(
            "kms", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=key_id, aws_secret_access_key=secret,
            config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5,
                                          read_timeout=30))

    def cli(self, *args):
        """A `strongroom` command on the keystore (before the server starts or after it stops),
        its JSON output parsed."""
        out = subprocess.run([BIN, "--keystore", self.keystore, *args], env=ENV,
                             capture_output=True, text=True, timeout=60, check=True)
        return json.loads(out.stdout) if out.stdout.strip() else None

    def stop(self):
        self.proc.terminate()
        assert self.proc.wait(timeout=30) == 0, self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        out = subprocess.run([BIN, "--keystore", self.keystore, "audit", "verify"], env=ENV,
                             capture_output=True, timeout=60)
        assert out.returncode == 0, out.stderr

    def callers(self, operation):
        """The audit trail's callers of `operation` (after stop: the server holds the file)."""
        out = subprocess.run([BIN, "--keystore", self.keystore, "audit", "list", "--query",
                              f"Events[?Operation=='{operation}'].Caller", "--output", "json"],
                             env=ENV, capture_output=True, text=True, timeout=60, check=True)
        return set(json.loads(out.stdout))


@pytest.fixture(scope="module")
def server():
    s = Server("--unauthenticated")
    yield s
    s.stop()
    callers = s.callers("Encrypt")
    assert callers and all(re.fullmatch(r"anonymous@127\.0\.0\.1:\d+", c) for c in callers), callers
    s.dir.cleanup()


@pytest.fixture(scope="module")
def kms(server):
    return server.client()


def new_key(kms, **kw):
    return kms.create_key(**kw)["KeyMetadata"]["KeyId"]


def test_key_metadata_shape(kms):
    m = kms.create_key(Description="shape", KeyUsage="ENCRYPT_DECRYPT",
                       KeySpec="SYMMETRIC_DEFAULT")["KeyMetadata"]
    assert m["Description"] == "shape" and m["Enabled"] and m["KeyState"] == "Enabled"
    assert m["Origin"] == "AWS_KMS" and m["KeyManager"] == "CUSTOMER"
    assert m["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"] and m["MultiRegion"] is False
    assert m["Arn"] == "arn:aws:kms:us-east-1:111122223333:key/" + m["KeyId"]
    assert m["AWSAccountId"] == "111122223333" and "PendingDeletionWindowInDays" not in m
    assert len(m["CurrentKeyMaterialId"]) == 64 and "ExpirationModel" not in m
    assert m["CreationDate"].year >= 2024  # botocore parsed the epoch seconds
    assert kms.describe_key(KeyId=m["Arn"])["KeyMetadata"] == m
    kms.disable_key(KeyId=m["KeyId"])
    assert kms.describe_key(KeyId=m["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=m["KeyId"])


def test_crypto_round_trips(kms):
    key = new_key(kms)
    arn = kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]
    ctx = {"tenant": "a", "purpose": "test"}
    e = kms.encrypt(KeyId=key, Plaintext=b"hello", EncryptionContext=ctx)
    assert e["KeyId"] == arn and e["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    d = kms.decrypt(CiphertextBlob=e["CiphertextBlob"], EncryptionContext=ctx)
    assert d["Plaintext"] == b"hello" and d["KeyId"] == arn
    material = kms.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert d["KeyMaterialId"] == material
    other = new_key(kms)
    r = kms.re_encrypt(CiphertextBlob=e["CiphertextBlob"], SourceEncryptionContext=ctx,
                       DestinationKeyId=other)
    assert r["SourceKeyId"] == arn and r["KeyId"].endswith(other)
    assert r["SourceKeyMaterialId"] == material and len(r["DestinationKeyMaterialId"]) == 64
    assert kms.decrypt(CiphertextBlob=r["CiphertextBlob"])["Plaintext"] == b"hello"
    dk = kms.generate_data_key(KeyId=key, KeySpec="AES_128")
    assert len(dk["Plaintext"]) == 16 and dk["KeyId"] == arn
    assert kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"] == dk["Plaintext"]
    dk = kms.generate_data_key_without_plaintext(KeyId=key, NumberOfBytes=64)
    assert "Plaintext" not in dk
    assert len(kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"]) == 64
    assert len(kms.generate_random(NumberOfBytes=1024)["Plaintext"]) == 1024


def test_re_encrypt_to_and_from_rsa_keys(kms):
    sym = new_key(kms)
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    ctx = {"tenant": "a"}
    blob = kms.encrypt(KeyId=sym, Plaintext=b"moving", EncryptionContext=ctx)["CiphertextBlob"]
    # Symmetric -> RSA: raw OAEP; no DestinationKeyMaterialId (AWS: symmetric keys only).
    r = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=ctx,
                       DestinationKeyId=rsa["KeyId"],
                       DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert r["KeyId"] == rsa["Arn"] and r["SourceKeyId"].endswith(sym)
    assert r["SourceEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert r["DestinationEncryptionAlgorithm"] == "RSAES_OAEP_SHA_256"
    assert len(r["SourceKeyMaterialId"]) == 64 and "DestinationKeyMaterialId" not in r
    raw = r["CiphertextBlob"]
    assert len(raw) == 256
    d = kms.decrypt(CiphertextBlob=raw, KeyId=rsa["KeyId"], EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert d["Plaintext"] == b"moving"
    # RSA -> symmetric, the source named by SourceKeyId.
    r = kms.re_encrypt(CiphertextBlob=raw, SourceKeyId=rsa["KeyId"],
                       SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256",
                       DestinationKeyId=sym, DestinationEncryptionContext={"moved": "yes"},
                       DestinationEncryptionAlgorithm="SYMMETRIC_DEFAULT")
    assert r["SourceKeyId"] == rsa["Arn"] and r["SourceEncryptionAlgorithm"] == "RSAES_OAEP_SHA_256"
    assert "SourceKeyMaterialId" not in r and len(r["DestinationKeyMaterialId"]) == 64
    d = kms.decrypt(CiphertextBlob=r["CiphertextBlob"], EncryptionContext={"moved": "yes"})
    assert d["Plaintext"] == b"moving"
    for cls, call in [
        # Raw OAEP names no key.
        (kms.exceptions.ClientError, lambda: kms.re_encrypt(
            CiphertextBlob=raw, DestinationKeyId=sym, SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256")),
        # No destination context with an asymmetric destination.
        (kms.exceptions.ClientError, lambda: kms.re_encrypt(
            CiphertextBlob=blob, SourceEncryptionContext=ctx, DestinationKeyId=rsa["KeyId"],
            DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_1", DestinationEncryptionContext={"a": "b"})),
        (kms.exceptions.InvalidKeyUsageException, lambda: kms.re_encrypt(
            CiphertextBlob=blob, SourceEncryptionContext=ctx, DestinationKeyId=rsa["KeyId"])),
        (kms.exceptions.InvalidCiphertextException, lambda: kms.re_encrypt(
            CiphertextBlob=raw, SourceKeyId=rsa["KeyId"], DestinationKeyId=sym,
            SourceEncryptionAlgorithm="RSAES_OAEP_SHA_1")),
    ]:
        with pytest.raises(cls) as e:
            call()
        if cls is kms.exceptions.ClientError:
            assert e.value.response["Error"]["Code"] == "ValidationException"


def test_dry_run(kms):
    key = new_key(kms)
    blob = kms.encrypt(KeyId=key, Plaintext=b"hi")["CiphertextBlob"]
    with pytest.raises(kms.exceptions.DryRunOperationException) as e:
        kms.encrypt(KeyId=key, Plaintext=b"hi", DryRun=True)
    assert e.value.response["Error"]["Message"] == \
        "The request would have succeeded, but the DryRun option is set."
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(kms.exceptions.DryRunOperationException):
        kms.decrypt(CiphertextBlob=blob, DryRun=True)
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"}, DryRun=True)
    grant = kms.create_grant(KeyId=key, GranteePrincipal="arn:aws:iam::111122223333:root",
                             Operations=["Encrypt"])
    with pytest.raises(kms.exceptions.DryRunOperationException):
        kms.generate_data_key(KeyId=key, KeySpec="AES_256", GrantTokens=[grant["GrantToken"]],
                              DryRun=True)
    with pytest.raises(kms.exceptions.InvalidGrantTokenException):
        kms.encrypt(KeyId=key, Plaintext=b"hi", GrantTokens=["bogus"], DryRun=True)
    with pytest.raises(kms.exceptions.DryRunOperationException):
        kms.revoke_grant(KeyId=key, GrantId=grant["GrantId"], DryRun=True)
    assert len(kms.list_grants(KeyId=key)["Grants"]) == 1
    kms.disable_key(KeyId=key)
    with pytest.raises(kms.exceptions.DisabledException):
        kms.encrypt(KeyId=key, Plaintext=b"hi", DryRun=True)


def test_sign_verify_and_mac(kms):
    m = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert m["SigningAlgorithms"] == ["ECDSA_SHA_256"] and "EncryptionAlgorithms" not in m
    key = m["KeyId"]
    s = kms.sign(KeyId=key, Message=b"release", MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256")
    v = kms.verify(KeyId=key, Message=b"release", Signature=s["Signature"],
                   SigningAlgorithm="ECDSA_SHA_256")
    assert v["SignatureValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidSignatureException):
        kms.verify(KeyId=key, Message=b"releasE", Signature=s["Signature"],
                   SigningAlgorithm="ECDSA_SHA_256")
    pub = kms.get_public_key(KeyId=key)
    assert pub["KeySpec"] == "ECC_NIST_P256" and pub["SigningAlgorithms"] == ["ECDSA_SHA_256"]
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
    except ImportError:
        pass
    else:  # an independent verifier, given only the DER public key
        serialization.load_der_public_key(pub["PublicKey"]).verify(
            s["Signature"], b"release", ec.ECDSA(hashes.SHA256()))
    h = kms.create_key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    assert h["MacAlgorithms"] == ["HMAC_SHA_384"]
    mac = kms.generate_mac(KeyId=h["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_384")["Mac"]
    assert kms.verify_mac(KeyId=h["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_384",
                          Mac=mac)["MacValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidMacException):
        kms.verify_mac(KeyId=h["KeyId"], Message=b"n", MacAlgorithm="HMAC_SHA_384", Mac=mac)
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.generate_mac(KeyId=h["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")


def test_aliases_and_paging(kms):
    key = new_key(kms)
    kms.create_alias(AliasName="alias/pytest-a", TargetKeyId=key)
    kms.create_alias(AliasName="alias/pytest-b", TargetKeyId=key)
    kms.update_alias(AliasName="alias/pytest-b", TargetKeyId=new_key(kms))
    names = [a["AliasName"] for a in kms.list_aliases(KeyId=key)["Aliases"]]
    assert names == ["alias/pytest-a"]
    assert kms.encrypt(KeyId="alias/pytest-a", Plaintext=b"x")["KeyId"].endswith(key)
    kms.delete_alias(AliasName="alias/pytest-a")
    for _ in range(3):
        new_key(kms)
    all_keys = [k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]]
    paged = []
    for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}):
        assert len(page["Keys"]) <= 2
        paged += [k["KeyId"] for k in page["Keys"]]
        assert len(paged) <= len(all_keys)
    assert paged == all_keys
    aliases = [a["AliasName"] for p in kms.get_paginator("list_aliases").paginate(
        PaginationConfig={"PageSize": 1}) for a in p["Aliases"]]
    assert "alias/pytest-b" in aliases


def test_rotation_and_deletion(kms):
    key = new_key(kms)
    kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=90)
    s = kms.get_key_rotation_status(KeyId=key)
    assert s["KeyRotationEnabled"] and s["RotationPeriodInDays"] == 90 and "NextRotationDate" in s
    kms.disable_key_rotation(KeyId=key)
    assert not kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"]
    assert kms.rotate_key_on_demand(KeyId=key)["KeyId"] == key
    rotations = kms.list_key_rotations(KeyId=key)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]
    d = kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    assert d["KeyState"] == "PendingDeletion" and d["PendingWindowInDays"] == 7
    kms.cancel_key_deletion(KeyId=key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"


def test_import_parameters(kms):
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    assert key["KeyState"] == "PendingImport" and key["Origin"] == "EXTERNAL"
    p = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                      WrappingKeySpec="RSA_2048")
    assert p["PublicKey"][:1] == b"\x30" and p["ImportToken"]
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.import_key_material(KeyId=key["KeyId"], ImportToken=p["ImportToken"],
                                EncryptedKeyMaterial=b"\x00" * 256,
                                ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    with pytest.raises(kms.exceptions.InvalidImportTokenException):
        kms.import_key_material(KeyId=key["KeyId"], ImportToken=b"bogus",
                                EncryptedKeyMaterial=b"\x00" * 256,
                                ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.delete_imported_key_material(KeyId=key["KeyId"])


def test_error_classes(kms):
    key = new_key(kms)
    blob = kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"a": "b"})["CiphertextBlob"]
    cases = [
        (kms.exceptions.NotFoundException, lambda: kms.describe_key(KeyId="alias/none")),
        (kms.exceptions.InvalidCiphertextException, lambda: kms.decrypt(CiphertextBlob=blob)),
        (kms.exceptions.IncorrectKeyException,
         lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"}, KeyId=new_key(kms))),
        (kms.exceptions.AlreadyExistsException,
         lambda: [kms.create_alias(AliasName="alias/dup", TargetKeyId=key) for _ in range(2)]),
        (kms.exceptions.UnsupportedOperationException, lambda: kms.create_key(KeySpec="SM2")),
        (kms.exceptions.InvalidKeyUsageException,
         lambda: kms.sign(KeyId=key, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")),
        (kms.exceptions.InvalidKeyUsageException,
         lambda: kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")),
        (kms.exceptions.InvalidMarkerException, lambda: kms.list_keys(Marker="not-a-marker!")),
    ]
    for cls, call in cases:
        with pytest.raises(cls):
            call()
    kms.disable_key(KeyId=key)
    with pytest.raises(kms.exceptions.DisabledException):
        kms.encrypt(KeyId=key, Plaintext=b"x")
    kms.enable_key(KeyId=key)
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.encrypt(KeyId=key, Plaintext=b"x")
    limited = new_key(kms)
    with pytest.raises(kms.exceptions.LimitExceededException):
        for _ in range(26):  # 25 on-demand rotations per key
            kms.rotate_key_on_demand(KeyId=limited)


def error_code(call):
    with pytest.raises(Exception) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]


def test_validation_names_the_member(kms):
    key = new_key(kms)
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    code, meta = error_code(lambda: kms.decrypt(CiphertextBlob=blob, DryRun=True,
                                                DryRunModifiers=["IGNORE_CIPHERTEXT"]))
    assert code == "ValidationException"
    assert meta["HTTPHeaders"]["x-amzn-errortype"] == "ValidationException"
    assert meta["RequestId"]
    code, _ = error_code(lambda: kms.encrypt(KeyId=key, Plaintext=b"x", GrantTokens=["token"]))
    assert code == "InvalidGrantTokenException"  # a token must name a grant
    code, _ = error_code(lambda: kms.create_key(Tags=[{"TagKey": "aws:k", "TagValue": "v"}]))
    assert code == "TagException"
    code, _ = error_code(lambda: kms.generate_data_key(KeyId=key, KeySpec="AES_256", NumberOfBytes=8))
    assert code == "ValidationException"
    assert kms.list_keys()["ResponseMetadata"]["RequestId"]


def test_description_tags_and_last_usage(kms):
    key = new_key(kms, Tags=[{"TagKey": "Team", "TagValue": "blue"}])
    kms.update_key_description(KeyId=key, Description="payments")
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["Description"] == "payments"
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": "Env", "TagValue": ""}])
    kms.untag_resource(KeyId=key, TagKeys=["Team"])
    pages = kms.get_paginator("list_resource_tags").paginate(KeyId=key, PaginationConfig={"PageSize": 1})
    assert [t for p in pages for t in p["Tags"]] == [{"TagKey": "Env", "TagValue": ""}]
    with pytest.raises(kms.exceptions.TagException):
        kms.tag_resource(KeyId=key, Tags=[{"TagKey": "AWS:x", "TagValue": ""}])
    assert kms.get_key_last_usage(KeyId=key)["KeyLastUsage"] == {}
    kms.encrypt(KeyId=key, Plaintext=b"x")
    usage = kms.get_key_last_usage(KeyId=key)
    assert usage["KeyId"] == key and usage["KeyLastUsage"]["Operation"] == "Encrypt"
    assert usage["KeyLastUsage"]["Timestamp"] >= usage["KeyCreationDate"]


def test_raw_requests_get_aws_errors(server):
    import urllib.request
    import urllib.error

    def post(body, target="TrentService.ListKeys", ctype="application/x-amz-json-1.1"):
        headers = {"Content-Type": ctype}
        if target:
            headers["X-Amz-Target"] = target
        req = urllib.request.Request(server.endpoint + "/", data=body, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.load(r), r.headers
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}"), e.headers

    status, body, headers = post(b"{not json")
    assert (status, body["__type"]) == (400, "SerializationException")
    assert headers["x-amzn-RequestId"] and headers["x-amzn-ErrorType"] == "SerializationException"
    assert post(b"{}", target=None)[1]["__type"] == "UnknownOperationException"
    assert post(b"{}", target="TrentService.Bogus")[1]["__type"] == "UnknownOperationException"
    status, body, _ = post(b"{}", target="TrentService.ReplicateKey")
    assert body["__type"] == "UnsupportedOperationException" and "ReplicateKey" in body["message"]
    status, body, _ = post(b"x" * (64 * 1024 + 1))
    assert status == 413 and body["__type"] == "ValidationException"
    status, body, _ = post(b'{"Limit": "many"}')
    assert body["__type"] == "SerializationException"


def test_sigv4_end_to_end():
    keys = {}

    def users(s):
        s.cli("iam", "create-user", "--user-name", "alice")
        s.cli("iam", "create-user", "--user-name", "bob")
        for name in ("alice", "bob"):
            keys[name] = s.cli("iam", "create-access-key", "--user-name", name)["AccessKey"]
        keys["retired"] = s.cli("iam", "create-access-key", "--user-name", "bob")["AccessKey"]
        s.cli("iam", "update-access-key", "--access-key-id", keys["retired"]["AccessKeyId"],
              "--status", "Inactive")

    s = Server(setup=users)
    try:
        alice = s.client(keys["alice"]["AccessKeyId"], keys["alice"]["SecretAccessKey"])
        bob = s.client(keys["bob"]["AccessKeyId"], keys["bob"]["SecretAccessKey"])
        key = new_key(alice)
        blob = alice.encrypt(KeyId=key, Plaintext=b"s")["CiphertextBlob"]
        # Until key policies exist, every authenticated user has full access.
        assert bob.decrypt(CiphertextBlob=blob)["Plaintext"] == b"s"
        bad = s.client(keys["alice"]["AccessKeyId"], "wrong")
        assert error_code(lambda: bad.list_keys())[0] == "InvalidSignatureException"
        stranger = s.client("AKIAUNKNOWN000000000", keys["alice"]["SecretAccessKey"])
        assert error_code(lambda: stranger.list_keys())[0] == "UnrecognizedClientException"
        retired = s.client(keys["retired"]["AccessKeyId"], keys["retired"]["SecretAccessKey"])
        assert error_code(lambda: retired.list_keys())[0] == "UnrecognizedClientException"
        unsigned = boto3.client("kms", endpoint_url=s.endpoint, region_name="us-east-1",
                                config=botocore.config.Config(signature_version=botocore.UNSIGNED,
                                                              retries={"max_attempts": 1}))
        assert error_code(lambda: unsigned.list_keys())[0] == "MissingAuthenticationTokenException"
    finally:
        s.stop()
    arn = "arn:aws:iam::111122223333:user/"
    for op, user in (("Encrypt", "alice"), ("Decrypt", "bob")):
        callers = s.callers(op)
        assert len(callers) == 1 and re.fullmatch(re.escape(arn + user) + r"@127\.0\.0\.1:\d+",
                                                  callers.pop()), (op, s.callers(op))
    assert "strongroom-serve" in s.callers("OpenKeystore")  # the server's own events
    s.dir.cleanup()


def test_region_and_account_set_the_arns():
    s = Server("--unauthenticated", "--region", "eu-west-2", "--account-id", "444455556666")
    try:
        kms = s.client()
        m = kms.create_key()["KeyMetadata"]
        assert m["Arn"] == "arn:aws:kms:eu-west-2:444455556666:key/" + m["KeyId"]
        assert m["AWSAccountId"] == "444455556666"
        kms.create_alias(AliasName="alias/region", TargetKeyId=m["Arn"])
        [a] = kms.list_aliases(KeyId=m["KeyId"])["Aliases"]
        assert a["AliasArn"] == "arn:aws:kms:eu-west-2:444455556666:alias/region"
        e = kms.encrypt(KeyId=a["AliasArn"], Plaintext=b"x")
        assert e["KeyId"] == m["Arn"]
        with pytest.raises(kms.exceptions.InvalidArnException):
            kms.describe_key(KeyId="arn:aws:kms:us-east-1:111122223333:key/" + m["KeyId"])
    finally:
        s.stop()
        s.dir.cleanup()
