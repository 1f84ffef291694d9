"""SPEC section 11 through Python: asymmetric and HMAC keys (docs/key-types.md).

Every signature, RSA-OAEP ciphertext, shared secret and data key pair is checked against the
``cryptography`` package with the public key ``get_public_key`` returns, so what strongroom makes
is what any other implementation reads.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Union

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, padding, rsa, utils

import strongroom

# (key spec, key usage) -> the algorithm lists DescribeKey shows (encryption, signing, MAC, key
# agreement), per docs/key-types.md.
RSA_SIGNING = [
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
]
OAEP = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
SPECS: list[tuple[str, str, list[str], list[str], list[str], list[str]]] = [
    ("RSA_2048", "ENCRYPT_DECRYPT", OAEP, [], [], []),
    ("RSA_2048", "SIGN_VERIFY", [], RSA_SIGNING, [], []),
    ("RSA_3072", "ENCRYPT_DECRYPT", OAEP, [], [], []),
    ("RSA_3072", "SIGN_VERIFY", [], RSA_SIGNING, [], []),
    ("RSA_4096", "ENCRYPT_DECRYPT", OAEP, [], [], []),
    ("RSA_4096", "SIGN_VERIFY", [], RSA_SIGNING, [], []),
    ("ECC_NIST_P256", "SIGN_VERIFY", [], ["ECDSA_SHA_256"], [], []),
    ("ECC_NIST_P256", "KEY_AGREEMENT", [], [], [], ["ECDH"]),
    ("ECC_NIST_P384", "SIGN_VERIFY", [], ["ECDSA_SHA_384"], [], []),
    ("ECC_NIST_P384", "KEY_AGREEMENT", [], [], [], ["ECDH"]),
    ("ECC_NIST_P521", "SIGN_VERIFY", [], ["ECDSA_SHA_512"], [], []),
    ("ECC_NIST_P521", "KEY_AGREEMENT", [], [], [], ["ECDH"]),
    ("ECC_SECG_P256K1", "SIGN_VERIFY", [], ["ECDSA_SHA_256"], [], []),
    ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY", [], ["ED25519_SHA_512"], [], []),
    ("ML_DSA_44", "SIGN_VERIFY", [], ["ML_DSA_SHAKE_256"], [], []),
    ("ML_DSA_65", "SIGN_VERIFY", [], ["ML_DSA_SHAKE_256"], [], []),
    ("ML_DSA_87", "SIGN_VERIFY", [], ["ML_DSA_SHAKE_256"], [], []),
    ("HMAC_224", "GENERATE_VERIFY_MAC", [], [], ["HMAC_SHA_224"], []),
    ("HMAC_256", "GENERATE_VERIFY_MAC", [], [], ["HMAC_SHA_256"], []),
    ("HMAC_384", "GENERATE_VERIFY_MAC", [], [], ["HMAC_SHA_384"], []),
    ("HMAC_512", "GENERATE_VERIFY_MAC", [], [], ["HMAC_SHA_512"], []),
]

# (key spec, signing algorithm) for every algorithm family strongroom signs with.
SIGNING = [
    *[("RSA_2048", a) for a in RSA_SIGNING],
    ("ECC_NIST_P256", "ECDSA_SHA_256"),
    ("ECC_NIST_P384", "ECDSA_SHA_384"),
    ("ECC_NIST_P521", "ECDSA_SHA_512"),
    ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
    ("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"),
    ("ML_DSA_44", "ML_DSA_SHAKE_256"),
    ("ML_DSA_65", "ML_DSA_SHAKE_256"),
    ("ML_DSA_87", "ML_DSA_SHAKE_256"),
]

HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512,
}

MESSAGE = b"release-1.2.3.tar.gz contents"


def _hash(algorithm: str) -> hashes.HashAlgorithm:
    return HASHES[algorithm[-3:]]()


def _public(ks: strongroom.Keystore, key_id: str) -> Any:
    return serialization.load_der_public_key(ks.get_public_key(key_id).public_key)


def _verify_offline(public: Any, algorithm: str, signature: bytes, message: bytes) -> None:
    """Verifies with ``cryptography`` alone; raises ``InvalidSignature`` if it does not."""
    if algorithm.startswith("RSASSA_PSS"):
        assert isinstance(public, rsa.RSAPublicKey)
        h = _hash(algorithm)
        public.verify(signature, message,
                      padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
    elif algorithm.startswith("RSASSA_PKCS1"):
        assert isinstance(public, rsa.RSAPublicKey)
        public.verify(signature, message, padding.PKCS1v15(), _hash(algorithm))
    elif algorithm.startswith("ECDSA"):
        assert isinstance(public, ec.EllipticCurvePublicKey)
        public.verify(signature, message, ec.ECDSA(_hash(algorithm)))
    elif algorithm == "ED25519_SHA_512":
        assert isinstance(public, ed25519.Ed25519PublicKey)
        public.verify(signature, message)
    else:
        assert algorithm == "ML_DSA_SHAKE_256"
        assert isinstance(public, (mldsa.MLDSA44PublicKey, mldsa.MLDSA65PublicKey,
                                   mldsa.MLDSA87PublicKey))
        public.verify(signature, message)


# ----- key specs -----


@pytest.mark.parametrize(("spec", "usage", "enc", "sig", "mac", "agree"), SPECS)
def test_every_spec_creates_and_describes(
    ks: strongroom.Keystore, spec: str, usage: str, enc: list[str], sig: list[str],
    mac: list[str], agree: list[str],
) -> None:
    created = ks.create_key(key_spec=spec, key_usage=usage)
    m = ks.describe_key(created.key_id)
    assert m == created
    assert (m.key_spec, m.key_usage, m.key_state) == (spec, usage, "Enabled")
    assert sorted(m.encryption_algorithms) == sorted(enc)
    assert sorted(m.signing_algorithms) == sorted(sig)
    assert m.mac_algorithms == mac
    assert m.key_agreement_algorithms == agree
    legacy = spec in ("ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87")
    assert m.customer_master_key_spec == (None if legacy else spec)
    # As AWS: only symmetric keys report a current key material id.
    assert m.current_key_material_id is None
    if spec.startswith("HMAC"):
        with pytest.raises(strongroom.UnsupportedOperation):
            ks.get_public_key(m.key_id)
    else:
        p = ks.get_public_key(m.key_id)
        assert (p.key_spec, p.key_usage) == (spec, usage)
        assert p.key_id == m.arn
        assert sorted(p.signing_algorithms) == sorted(sig)
        assert sorted(p.encryption_algorithms) == sorted(enc)
        assert p.key_agreement_algorithms == agree
        assert p.customer_master_key_spec == m.customer_master_key_spec
        assert serialization.load_der_public_key(p.public_key) is not None
    # These keys do not rotate, as in AWS KMS.
    with pytest.raises(strongroom.UnsupportedOperation):
        ks.enable_key_rotation(m.key_id)


def test_symmetric_keys_describe_their_algorithm(ks: strongroom.Keystore, key_id: str) -> None:
    m = ks.describe_key(key_id)
    assert m.encryption_algorithms == ["SYMMETRIC_DEFAULT"]
    assert m.customer_master_key_spec == "SYMMETRIC_DEFAULT"
    assert (m.signing_algorithms, m.mac_algorithms, m.key_agreement_algorithms) == ([], [], [])
    with pytest.raises(strongroom.UnsupportedOperation):
        ks.get_public_key(key_id)


def test_usage_defaults_and_refusals(ks: strongroom.Keystore) -> None:
    assert ks.create_key(key_spec="RSA_2048").key_usage == "ENCRYPT_DECRYPT"
    assert ks.create_key(key_spec="ML_DSA_44").key_usage == "SIGN_VERIFY"
    with pytest.raises(strongroom.Validation):  # ECC NIST keys have two usages: name one
        ks.create_key(key_spec="ECC_NIST_P256")
    with pytest.raises(strongroom.Validation):
        ks.create_key(key_spec="ECC_SECG_P256K1", key_usage="KEY_AGREEMENT")
    with pytest.raises(strongroom.Validation):
        ks.create_key(key_spec="RSA_1024", key_usage="SIGN_VERIFY")
    with pytest.raises(strongroom.UnsupportedOperation):
        ks.create_key(key_spec="ML_DSA_44", origin="EXTERNAL")


# ----- sign and verify -----


@pytest.mark.parametrize(("spec", "algorithm"), SIGNING)
def test_sign_verify_round_trip_and_offline(
    ks: strongroom.Keystore, spec: str, algorithm: str
) -> None:
    key = ks.create_key(key_spec=spec, key_usage="SIGN_VERIFY").key_id
    signed = ks.sign(key, MESSAGE, algorithm)
    assert isinstance(signed, strongroom.Signed)
    assert type(signed.signature) is bytes
    assert signed.signing_algorithm == algorithm
    assert signed.key_id == ks.describe_key(key).arn
    assert ks.verify(key, MESSAGE, signed.signature, algorithm) is True
    assert ks.verify(key, bytearray(MESSAGE), memoryview(signed.signature), algorithm,
                     message_type="RAW") is True
    # Anyone with the public key verifies it.
    public = _public(ks, key)
    _verify_offline(public, algorithm, signed.signature, MESSAGE)
    with pytest.raises(InvalidSignature):
        _verify_offline(public, algorithm, signed.signature, MESSAGE + b"!")
    # A tampered signature or another message: KMSInvalidSignature, never False.
    tampered = bytearray(signed.signature)
    tampered[len(tampered) // 2] ^= 0x01
    with pytest.raises(strongroom.KMSInvalidSignature):
        ks.verify(key, MESSAGE, bytes(tampered), algorithm)
    with pytest.raises(strongroom.KMSInvalidSignature):
        ks.verify(key, MESSAGE + b"!", signed.signature, algorithm)
    # A signature by another key of the same spec does not verify either.
    other = ks.create_key(key_spec=spec, key_usage="SIGN_VERIFY").key_id
    with pytest.raises(strongroom.KMSInvalidSignature):
        ks.verify(other, MESSAGE, signed.signature, algorithm)


@pytest.mark.parametrize(("spec", "algorithm"), [
    ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384"),
    ("RSA_2048", "RSASSA_PSS_SHA_512"), ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256"),
])
def test_digest_messages(ks: strongroom.Keystore, spec: str, algorithm: str) -> None:
    key = ks.create_key(key_spec=spec, key_usage="SIGN_VERIFY").key_id
    h = _hash(algorithm)
    digest = hashlib.new(h.name, MESSAGE).digest()
    signed = ks.sign(key, digest, algorithm, message_type="DIGEST")
    # A DIGEST signature is the RAW signature of the message the digest was made from.
    assert ks.verify(key, MESSAGE, signed.signature, algorithm) is True
    public = _public(ks, key)
    _verify_offline(public, algorithm, signed.signature, MESSAGE)
    if isinstance(public, ec.EllipticCurvePublicKey):
        public.verify(signed.signature, digest, ec.ECDSA(utils.Prehashed(h)))
    for wrong in (digest[:-1], digest + b"\0"):
        with pytest.raises(strongroom.Validation):
            ks.sign(key, wrong, algorithm, message_type="DIGEST")


def test_message_bounds_and_unsupported(ks: strongroom.Keystore) -> None:
    key = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    ks.sign(key, b"\x01" * 4096, "ECDSA_SHA_256")
    for n in (0, 4097):
        with pytest.raises(strongroom.Validation):
            ks.sign(key, b"\x01" * n, "ECDSA_SHA_256")
    ed = ks.create_key(key_spec="ECC_NIST_EDWARDS25519", key_usage="SIGN_VERIFY").key_id
    with pytest.raises(strongroom.UnsupportedOperation):
        ks.sign(ed, hashlib.sha512(MESSAGE).digest(), "ED25519_PH_SHA_512", message_type="DIGEST")
    ml = ks.create_key(key_spec="ML_DSA_65").key_id
    with pytest.raises(strongroom.UnsupportedOperation):
        ks.sign(ml, b"\0" * 64, "ML_DSA_SHAKE_256", message_type="EXTERNAL_MU")


def test_states_apply(ks: strongroom.Keystore) -> None:
    key = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    signature = ks.sign(key, MESSAGE, "ECDSA_SHA_256").signature
    ks.disable_key(key)
    with pytest.raises(strongroom.Disabled):
        ks.sign(key, MESSAGE, "ECDSA_SHA_256")
    with pytest.raises(strongroom.Disabled):
        ks.verify(key, MESSAGE, signature, "ECDSA_SHA_256")
    with pytest.raises(strongroom.Disabled):
        ks.get_public_key(key)
    ks.enable_key(key)
    ks.schedule_key_deletion(key, 7)
    with pytest.raises(strongroom.InvalidState):
        ks.sign(key, MESSAGE, "ECDSA_SHA_256")


def test_operations_are_audited(ks: strongroom.Keystore) -> None:
    key = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    signature = ks.sign(key, MESSAGE, "ECDSA_SHA_256").signature
    ks.verify(key, MESSAGE, signature, "ECDSA_SHA_256")
    with pytest.raises(strongroom.KMSInvalidSignature):
        ks.verify(key, MESSAGE, signature[:-1] + bytes([signature[-1] ^ 1]), "ECDSA_SHA_256")
    ks.get_public_key(key)
    ops = [(e.operation, e.outcome) for e in ks.audit_events(key_id=key)]
    assert ("Sign", "ok") in ops
    assert ("Verify", "ok") in ops
    assert ("Verify", "KMSInvalidSignature") in ops
    assert ("GetPublicKey", "ok") in ops


# ----- HMAC -----


@pytest.mark.parametrize("bits", ["224", "256", "384", "512"])
def test_mac_round_trip(ks: strongroom.Keystore, bits: str) -> None:
    key = ks.create_key(key_spec=f"HMAC_{bits}").key_id
    algorithm = f"HMAC_SHA_{bits}"
    m = ks.generate_mac(key, MESSAGE, algorithm)
    assert isinstance(m, strongroom.Mac)
    assert m.mac_algorithm == algorithm and m.key_id == ks.describe_key(key).arn
    # The HMAC's length is the hash's, and HMAC is deterministic. (Python's ``hmac`` cannot
    # recompute it: the key never leaves the keystore, and HMAC material cannot be imported.)
    assert len(m.mac) == hashlib.new(f"sha{bits}").digest_size
    assert ks.generate_mac(key, bytearray(MESSAGE), algorithm).mac == m.mac
    assert ks.generate_mac(key, MESSAGE + b"!", algorithm).mac != m.mac
    big = b"\x02" * 4096  # over the GIL threshold
    assert ks.verify_mac(key, big, ks.generate_mac(key, big, algorithm).mac, algorithm) is True
    assert ks.verify_mac(key, MESSAGE, m.mac, algorithm) is True
    tampered = bytes([m.mac[0] ^ 0x80]) + m.mac[1:]
    for bad_mac, message in ((tampered, MESSAGE), (m.mac, MESSAGE + b"!"), (m.mac[:-1], MESSAGE)):
        with pytest.raises(strongroom.KMSInvalidMac):
            ks.verify_mac(key, message, bad_mac, algorithm)
    other = ks.create_key(key_spec=f"HMAC_{bits}").key_id
    assert ks.generate_mac(other, MESSAGE, algorithm).mac != m.mac
    with pytest.raises(strongroom.KMSInvalidMac):
        ks.verify_mac(other, MESSAGE, m.mac, algorithm)


def test_mac_bounds_and_algorithm(ks: strongroom.Keystore) -> None:
    key = ks.create_key(key_spec="HMAC_256").key_id
    for n in (0, 4097):
        with pytest.raises(strongroom.Validation):
            ks.generate_mac(key, b"\x01" * n, "HMAC_SHA_256")
    with pytest.raises(strongroom.InvalidKeyUsage):  # the key's own algorithm only
        ks.generate_mac(key, MESSAGE, "HMAC_SHA_512")


# ----- RSA encryption -----


@pytest.mark.parametrize("algorithm", OAEP)
def test_rsa_oaep_offline_ciphertext_decrypts(ks: strongroom.Keystore, algorithm: str) -> None:
    key = ks.create_key(key_spec="RSA_2048", key_usage="ENCRYPT_DECRYPT").key_id
    public = _public(ks, key)
    assert isinstance(public, rsa.RSAPublicKey)
    h: hashes.HashAlgorithm = hashes.SHA1() if algorithm == "RSAES_OAEP_SHA_1" else hashes.SHA256()
    secret = b"wrapped offline with the public key"
    ciphertext = public.encrypt(secret, padding.OAEP(mgf=padding.MGF1(h), algorithm=h, label=None))
    assert ks.decrypt(ciphertext, key_id=key, encryption_algorithm=algorithm) == secret
    d = ks.decrypt_with_key_id(ciphertext, key_id=key, encryption_algorithm=algorithm)
    assert d.plaintext == secret and d.key_id == ks.describe_key(key).arn
    # strongroom's own ciphertext: raw OAEP of the modulus' length, fresh each time.
    mine = ks.encrypt(key, secret, encryption_algorithm=algorithm)
    assert len(mine) == 256 and mine != ks.encrypt(key, secret, encryption_algorithm=algorithm)
    assert ks.decrypt(mine, key_id=key, encryption_algorithm=algorithm) == secret
    tampered = bytes([mine[0] ^ 1]) + mine[1:]
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(tampered, key_id=key, encryption_algorithm=algorithm)


@pytest.mark.parametrize("algorithm", OAEP)
def test_re_encrypt_between_symmetric_and_rsa_keys(
    ks: strongroom.Keystore, key_id: str, algorithm: str
) -> None:
    rsa_key = ks.create_key(key_spec="RSA_2048", key_usage="ENCRYPT_DECRYPT").key_id
    secret = b"moved without leaving the keystore"
    # Symmetric -> RSA: raw OAEP that decrypt with encryption_algorithm opens.
    blob = ks.encrypt(key_id, secret, encryption_context={"app": "py"})
    raw = ks.re_encrypt(blob, rsa_key, source_encryption_context={"app": "py"},
                        destination_encryption_algorithm=algorithm)
    assert type(raw) is bytes and len(raw) == 256
    assert ks.decrypt(raw, key_id=rsa_key, encryption_algorithm=algorithm) == secret
    # RSA -> symmetric, from ciphertext made offline by `cryptography` with the public key.
    public = _public(ks, rsa_key)
    assert isinstance(public, rsa.RSAPublicKey)
    h: hashes.HashAlgorithm = hashes.SHA1() if algorithm == "RSAES_OAEP_SHA_1" else hashes.SHA256()
    offline = public.encrypt(secret, padding.OAEP(mgf=padding.MGF1(h), algorithm=h, label=None))
    moved = ks.re_encrypt(offline, key_id, destination_encryption_context={"to": "sym"},
                          source_key_id=rsa_key, source_encryption_algorithm=algorithm,
                          destination_encryption_algorithm="SYMMETRIC_DEFAULT")
    assert ks.decrypt(moved, encryption_context={"to": "sym"}) == secret
    # The rules: SourceKeyId for raw OAEP, no context on an RSA side, the OAEP size limit,
    # the algorithms the table allows.
    with pytest.raises(strongroom.Validation):
        ks.re_encrypt(offline, key_id, source_encryption_algorithm=algorithm)
    with pytest.raises(strongroom.Validation):
        ks.re_encrypt(blob, rsa_key, source_encryption_context={"app": "py"},
                      destination_encryption_context={"a": "b"},
                      destination_encryption_algorithm=algorithm)
    limit = 214 if algorithm == "RSAES_OAEP_SHA_1" else 190
    too_big = ks.encrypt(key_id, b"\x01" * (limit + 1))
    with pytest.raises(strongroom.Validation):
        ks.re_encrypt(too_big, rsa_key, destination_encryption_algorithm=algorithm)
    with pytest.raises(strongroom.InvalidKeyUsage):
        ks.re_encrypt(blob, rsa_key, source_encryption_context={"app": "py"})
    with pytest.raises(strongroom.Validation):
        ks.re_encrypt(blob, rsa_key, destination_encryption_algorithm="RSAES_PKCS1")


def test_rsa_oaep_rules(ks: strongroom.Keystore, key_id: str) -> None:
    key = ks.create_key(key_spec="RSA_2048").key_id
    alg = "RSAES_OAEP_SHA_256"
    ks.encrypt(key, b"\x01" * 190, encryption_algorithm=alg)  # 256 - 2*32 - 2
    with pytest.raises(strongroom.Validation):
        ks.encrypt(key, b"\x01" * 191, encryption_algorithm=alg)
    ks.encrypt(key, b"\x01" * 214, encryption_algorithm="RSAES_OAEP_SHA_1")
    with pytest.raises(strongroom.Validation):
        ks.encrypt(key, b"\x01" * 215, encryption_algorithm="RSAES_OAEP_SHA_1")
    with pytest.raises(strongroom.Validation):  # no encryption context with RSA
        ks.encrypt(key, b"x", encryption_context={"a": "b"}, encryption_algorithm=alg)
    blob = ks.encrypt(key, b"x", encryption_algorithm=alg)
    with pytest.raises(strongroom.Validation):  # the ciphertext does not name its key
        ks.decrypt(blob, encryption_algorithm=alg)
    # The default algorithm is SYMMETRIC_DEFAULT, which an RSA key does not allow, and an RSA
    # algorithm needs an RSA key.
    with pytest.raises(strongroom.InvalidKeyUsage):
        ks.encrypt(key, b"x")
    with pytest.raises(strongroom.InvalidKeyUsage):
        ks.encrypt(key, b"x", encryption_algorithm="SYMMETRIC_DEFAULT")
    with pytest.raises(strongroom.InvalidKeyUsage):
        ks.encrypt(key_id, b"x", encryption_algorithm=alg)
    # Naming SYMMETRIC_DEFAULT is the symmetric path.
    sym = ks.encrypt(key_id, b"x", encryption_algorithm="SYMMETRIC_DEFAULT")
    assert ks.decrypt(sym, encryption_algorithm="SYMMETRIC_DEFAULT") == b"x"


def test_rsa_4096_encrypt_decrypt(ks: strongroom.Keystore) -> None:
    key = ks.create_key(key_spec="RSA_4096", key_usage="ENCRYPT_DECRYPT").key_id
    blob = ks.encrypt(key, b"\x03" * 446, encryption_algorithm="RSAES_OAEP_SHA_256")
    assert len(blob) == 512
    assert ks.decrypt(blob, key_id=key, encryption_algorithm="RSAES_OAEP_SHA_256") == b"\x03" * 446


# ----- key agreement -----


CURVES: dict[str, ec.EllipticCurve] = {
    "ECC_NIST_P256": ec.SECP256R1(), "ECC_NIST_P384": ec.SECP384R1(),
    "ECC_NIST_P521": ec.SECP521R1(),
}


def _spki(key: Union[ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey]) -> bytes:
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return public.public_bytes(serialization.Encoding.DER,
                               serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize("spec", sorted(CURVES))
def test_ecdh_equals_cryptography(ks: strongroom.Keystore, spec: str) -> None:
    key = ks.create_key(key_spec=spec, key_usage="KEY_AGREEMENT").key_id
    peer = ec.generate_private_key(CURVES[spec])
    s = ks.derive_shared_secret(key, "ECDH", _spki(peer))
    assert isinstance(s, strongroom.SharedSecret)
    assert s.key_agreement_algorithm == "ECDH" and s.key_origin == "AWS_KMS"
    mine = _public(ks, key)
    assert isinstance(mine, ec.EllipticCurvePublicKey)
    assert s.shared_secret == peer.exchange(ec.ECDH(), mine)
    assert s.shared_secret is s.shared_secret  # one Python copy
    assert repr(s.shared_secret)[2:-1] not in repr(s) and "secret bytes" in repr(s)
    # A peer on another curve, or not a key at all: Validation.
    other = "ECC_NIST_P384" if spec == "ECC_NIST_P256" else "ECC_NIST_P256"
    with pytest.raises(strongroom.Validation):
        ks.derive_shared_secret(key, "ECDH", _spki(ec.generate_private_key(CURVES[other])))
    with pytest.raises(strongroom.Validation):
        ks.derive_shared_secret(key, "ECDH", b"not a public key")


# ----- data key pairs -----


@pytest.mark.parametrize("spec", ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256",
                                  "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"])
def test_data_key_pair(ks: strongroom.Keystore, key_id: str, spec: str) -> None:
    ctx = {"purpose": "signing key for a device"}
    pair = ks.generate_data_key_pair(key_id, spec, encryption_context=ctx)
    assert isinstance(pair, strongroom.DataKeyPair)
    assert pair.key_pair_spec == spec and pair.key_id == ks.describe_key(key_id).arn
    assert pair.key_material_id == ks.describe_key(key_id).current_key_material_id
    assert pair.private_key_plaintext is pair.private_key_plaintext  # one Python copy
    private = serialization.load_der_private_key(pair.private_key_plaintext, password=None)
    public_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert public_der == pair.public_key
    if spec.startswith("RSA"):
        assert isinstance(private, rsa.RSAPrivateKey)
        assert private.key_size == int(spec[4:])
    else:
        assert isinstance(private, ec.EllipticCurvePrivateKey)
    # The encrypted private key is an ordinary blob that decrypt opens, with the context.
    assert ks.decrypt(pair.private_key_ciphertext_blob, encryption_context=ctx) == (
        pair.private_key_plaintext)
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(pair.private_key_ciphertext_blob)
    text = repr(pair) + str(pair)
    assert "secret bytes" in text and pair.private_key_plaintext.hex() not in text
    assert repr(pair.private_key_plaintext)[2:-1] not in text


def test_data_key_pair_without_plaintext(ks: strongroom.Keystore, key_id: str) -> None:
    pair = ks.generate_data_key_pair_without_plaintext(key_id, "ECC_NIST_P256")
    assert isinstance(pair, strongroom.DataKeyPairWithoutPlaintext)
    assert not hasattr(pair, "private_key_plaintext")
    private = serialization.load_der_private_key(ks.decrypt(pair.private_key_ciphertext_blob),
                                                 password=None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    assert _spki(private) == pair.public_key
    signature = private.sign(MESSAGE, ec.ECDSA(hashes.SHA256()))
    public = serialization.load_der_public_key(pair.public_key)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, MESSAGE, ec.ECDSA(hashes.SHA256()))
    assert pair.key_pair_spec in repr(pair)


# ----- errors -----


def test_wrong_key_usage(ks: strongroom.Keystore, key_id: str) -> None:
    rsa_enc = ks.create_key(key_spec="RSA_2048", key_usage="ENCRYPT_DECRYPT").key_id
    p256 = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    agree = ks.create_key(key_spec="ECC_NIST_P256", key_usage="KEY_AGREEMENT").key_id
    hmac_key = ks.create_key(key_spec="HMAC_256").key_id
    peer = _spki(ec.generate_private_key(ec.SECP256R1()))
    calls: list[Callable[[], object]] = [
        lambda: ks.sign(rsa_enc, MESSAGE, "RSASSA_PSS_SHA_256"),
        lambda: ks.sign(key_id, MESSAGE, "ECDSA_SHA_256"),
        lambda: ks.sign(p256, MESSAGE, "ECDSA_SHA_384"),  # the curve's own hash only
        lambda: ks.sign(p256, MESSAGE, "RSASSA_PSS_SHA_256"),
        lambda: ks.sign(agree, MESSAGE, "ECDSA_SHA_256"),
        lambda: ks.generate_mac(p256, MESSAGE, "HMAC_SHA_256"),
        lambda: ks.generate_mac(key_id, MESSAGE, "HMAC_SHA_256"),
        lambda: ks.sign(hmac_key, MESSAGE, "ECDSA_SHA_256"),
        lambda: ks.derive_shared_secret(p256, "ECDH", peer),
        lambda: ks.encrypt(p256, b"x", encryption_algorithm="RSAES_OAEP_SHA_256"),
        lambda: ks.generate_data_key_pair(rsa_enc, "ECC_NIST_P256"),
        lambda: ks.generate_data_key_pair_without_plaintext(hmac_key, "RSA_2048"),
        lambda: ks.generate_data_key(rsa_enc),
    ]
    for call in calls:
        with pytest.raises(strongroom.InvalidKeyUsage):
            call()


def test_bad_names_are_validation_errors(ks: strongroom.Keystore, key_id: str) -> None:
    p256 = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    rsa_enc = ks.create_key(key_spec="RSA_2048").key_id
    hmac_key = ks.create_key(key_spec="HMAC_256").key_id
    agree = ks.create_key(key_spec="ECC_NIST_P256", key_usage="KEY_AGREEMENT").key_id
    calls: list[Callable[[], object]] = [
        lambda: ks.sign(p256, MESSAGE, "ECDSA_SHA_1"),
        lambda: ks.sign(p256, MESSAGE, "ecdsa_sha_256"),
        lambda: ks.sign(p256, MESSAGE, "ECDSA_SHA_256", message_type="HEX"),
        lambda: ks.verify(p256, MESSAGE, b"sig", "NONE"),
        lambda: ks.generate_mac(hmac_key, MESSAGE, "HMAC_MD5"),
        lambda: ks.verify_mac(hmac_key, MESSAGE, b"mac", "HMAC_SHA_1"),
        lambda: ks.derive_shared_secret(agree, "DH", b"key"),
        lambda: ks.generate_data_key_pair(key_id, "RSA_1024"),
        lambda: ks.generate_data_key_pair_without_plaintext(key_id, "ECC_NIST_P128"),
        lambda: ks.encrypt(rsa_enc, b"x", encryption_algorithm="RSA_PKCS1"),
        lambda: ks.decrypt(b"x" * 256, key_id=rsa_enc, encryption_algorithm="RSAES_PKCS1"),
        lambda: ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN"),
    ]
    for call in calls:
        with pytest.raises(strongroom.Validation):
            call()


def test_wrong_python_types(ks: strongroom.Keystore) -> None:
    key = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    hmac_key = ks.create_key(key_spec="HMAC_256").key_id
    signature = ks.sign(key, MESSAGE, "ECDSA_SHA_256").signature
    a: Any = None
    calls: list[Callable[[], object]] = [
        lambda: ks.sign(key, a, "ECDSA_SHA_256"),
        lambda: ks.sign(key, "text", "ECDSA_SHA_256"),  # type: ignore[arg-type]
        lambda: ks.sign(key, 42, "ECDSA_SHA_256"),  # type: ignore[arg-type]
        lambda: ks.sign(key, MESSAGE, a),
        lambda: ks.sign(key, MESSAGE, b"ECDSA_SHA_256"),  # type: ignore[arg-type]
        lambda: ks.sign(a, MESSAGE, "ECDSA_SHA_256"),
        lambda: ks.verify(key, MESSAGE, a, "ECDSA_SHA_256"),
        lambda: ks.verify(key, MESSAGE, signature.hex(), "ECDSA_SHA_256"),  # type: ignore[arg-type]
        lambda: ks.generate_mac(hmac_key, a, "HMAC_SHA_256"),
        lambda: ks.verify_mac(hmac_key, MESSAGE, a, "HMAC_SHA_256"),
        lambda: ks.get_public_key(a),
        lambda: ks.derive_shared_secret(key, "ECDH", a),
        lambda: ks.generate_data_key_pair(key, a),
        lambda: ks.generate_data_key_pair(key, "RSA_2048", encryption_context=["a"]),  # type: ignore[arg-type]
        lambda: ks.encrypt(key, b"x", encryption_algorithm=1),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(TypeError):
            call()
    with pytest.raises(TypeError):
        ks.sign(key, MESSAGE)  # type: ignore[call-arg]


def test_closed_handle(ks: strongroom.Keystore) -> None:
    key = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    ks.close()
    with pytest.raises(strongroom.InvalidState):
        ks.sign(key, MESSAGE, "ECDSA_SHA_256")
    with pytest.raises(strongroom.InvalidState):
        ks.get_public_key(key)


def test_reprs(ks: strongroom.Keystore) -> None:
    key = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    assert "ECC_NIST_P256" in repr(ks.get_public_key(key))
    assert "ECDSA_SHA_256" in repr(ks.sign(key, MESSAGE, "ECDSA_SHA_256"))
    hmac_key = ks.create_key(key_spec="HMAC_256").key_id
    assert "HMAC_SHA_256" in repr(ks.generate_mac(hmac_key, MESSAGE, "HMAC_SHA_256"))
    for cls in (strongroom.PublicKey, strongroom.Signed, strongroom.Mac, strongroom.SharedSecret,
                strongroom.DataKeyPair, strongroom.DataKeyPairWithoutPlaintext):
        assert cls.__module__ == "strongroom"
        for attr, value in vars(cls).items():
            if not attr.startswith("_"):
                assert getattr(value, "__doc__", None), f"{cls.__name__}.{attr}"
