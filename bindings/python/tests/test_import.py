"""SPEC section 7 through Python: importing key material (BYOK) with the cryptography package."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

import strongroom
from conftest import create

START = datetime(2030, 1, 1, tzinfo=timezone.utc)
NEVER = "KEY_MATERIAL_DOES_NOT_EXPIRE"


@pytest.fixture
def clock() -> strongroom.ManualClock:
    """A manual clock at 2030-01-01T00:00Z."""
    return strongroom.ManualClock(START)


@pytest.fixture
def tks(ks_path: Path, clock: strongroom.ManualClock) -> Iterator[strongroom.Keystore]:
    """A keystore on the manual clock."""
    with create(ks_path, clock=clock) as k:
        yield k


def wrap(params: strongroom.ParametersForImport, material: bytes, algorithm: str) -> bytes:
    """Wraps ``material`` under the import public key, as a BYOK client does."""
    public = serialization.load_der_public_key(params.public_key)
    assert isinstance(public, rsa.RSAPublicKey)
    sha1 = algorithm in ("RSAES_OAEP_SHA_1", "RSA_AES_KEY_WRAP_SHA_1")
    sha = hashes.SHA1() if sha1 else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=sha), algorithm=sha, label=None)
    if algorithm.startswith("RSA_AES_KEY_WRAP"):
        ephemeral = os.urandom(32)
        return public.encrypt(ephemeral, oaep) + aes_key_wrap_with_padding(ephemeral, material)
    return public.encrypt(material, oaep)


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1",
                                       "RSA_AES_KEY_WRAP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1"])
def test_import_round_trip(tks: strongroom.Keystore, algorithm: str) -> None:
    k = tks.create_key(origin="EXTERNAL").key_id
    params = tks.get_parameters_for_import(k, algorithm, "RSA_2048")
    assert isinstance(params, strongroom.ParametersForImport)
    assert params.key_id == tks.describe_key(k).arn
    assert params.parameters_valid_to == START + timedelta(hours=24)
    material = os.urandom(32)
    assert tks.describe_key(k).current_key_material_id is None
    mid = tks.import_key_material(k, params.import_token, wrap(params, material, algorithm),
                                  expiration_model=NEVER)
    m = tks.describe_key(k)
    assert (m.key_state, m.origin, m.valid_to) == ("Enabled", "EXTERNAL", None)
    assert (m.current_key_material_id, m.expiration_model) == (mid, "KEY_MATERIAL_DOES_NOT_EXPIRE")
    blob = tks.encrypt(k, b"byok")
    assert tks.decrypt(blob) == b"byok"
    assert tks.decrypt_with_key_id(blob).key_material_id == mid
    [entry] = tks.list_key_rotations(k, "ALL_KEY_MATERIAL")
    assert (entry.key_material_id, entry.import_state) == (mid, "IMPORTED")
    assert entry.expiration_model == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    assert tks.delete_imported_key_material(k) == mid
    [entry] = tks.list_key_rotations(k, "ALL_KEY_MATERIAL")
    assert (entry.key_material_id, entry.import_state) == (mid, "PENDING_IMPORT")


def test_import_errors_and_reimport(tks: strongroom.Keystore,
                                    clock: strongroom.ManualClock) -> None:
    k = tks.create_key(origin="EXTERNAL").key_id
    other = tks.create_key(origin="EXTERNAL").key_id
    alg = "RSAES_OAEP_SHA_256"
    material = os.urandom(32)
    with pytest.raises(strongroom.Validation):
        tks.get_parameters_for_import(k, "RSA_PKCS1", "RSA_2048")
    with pytest.raises(strongroom.Validation):
        tks.get_parameters_for_import(k, alg, "RSA_1024")
    with pytest.raises(strongroom.UnsupportedOperation):
        tks.get_parameters_for_import(tks.create_key().key_id, alg, "RSA_2048")

    p_other = tks.get_parameters_for_import(other, alg, "RSA_2048")
    with pytest.raises(strongroom.InvalidImportToken):
        tks.import_key_material(k, p_other.import_token, wrap(p_other, material, alg),
                                expiration_model=NEVER)
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    with pytest.raises(strongroom.InvalidCiphertext):
        tks.import_key_material(k, p.import_token, os.urandom(256))
    # 16 bytes decrypt, but a symmetric key's material is 32 bytes.
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    with pytest.raises(strongroom.InvalidCiphertext):
        tks.import_key_material(k, p.import_token, wrap(p, os.urandom(16), alg))
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    clock.advance(days=1, seconds=1)
    with pytest.raises(strongroom.ExpiredImportToken):
        tks.import_key_material(k, p.import_token, wrap(p, material, alg), expiration_model=NEVER)
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    tks.import_key_material(k, p.import_token, wrap(p, material, alg), expiration_model=NEVER)
    with pytest.raises(strongroom.InvalidImportToken):  # a token works once
        tks.import_key_material(k, p.import_token, wrap(p, material, alg), expiration_model=NEVER)
    blob = tks.encrypt(k, b"kept")

    tks.delete_imported_key_material(k)
    assert tks.describe_key(k).key_state == "PendingImport"
    with pytest.raises(strongroom.InvalidState):
        tks.decrypt(blob)
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    with pytest.raises(strongroom.IncorrectKeyMaterial):
        tks.import_key_material(k, p.import_token, wrap(p, os.urandom(32), alg),
                                expiration_model=NEVER)
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    tks.import_key_material(k, p.import_token, wrap(p, material, alg), expiration_model=NEVER)
    assert tks.decrypt(blob) == b"kept"


def test_expiring_material(tks: strongroom.Keystore, clock: strongroom.ManualClock) -> None:
    k = tks.create_key(origin="EXTERNAL").key_id
    alg = "RSAES_OAEP_SHA_256"
    material = os.urandom(32)
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    with pytest.raises(strongroom.Validation):  # expiring material needs valid_to
        tks.import_key_material(k, p.import_token, wrap(p, material, alg),
                                expiration_model="KEY_MATERIAL_EXPIRES")
    # No model: SPEC section 7's default, KEY_MATERIAL_DOES_NOT_EXPIRE, takes no valid_to.
    with pytest.raises(strongroom.Validation, match="KEY_MATERIAL_DOES_NOT_EXPIRE"):
        tks.import_key_material(k, p.import_token, wrap(p, material, alg),
                                valid_to=START + timedelta(days=10))
    valid_to = START + timedelta(days=10)
    tks.import_key_material(k, p.import_token, wrap(p, material, alg),
                            expiration_model="KEY_MATERIAL_EXPIRES", valid_to=valid_to)
    assert tks.describe_key(k).valid_to == valid_to
    assert tks.describe_key(k).expiration_model == "KEY_MATERIAL_EXPIRES"
    clock.advance(days=11)
    tks.run_maintenance()
    m = tks.describe_key(k)
    assert m.key_state == "PendingImport"


def pkcs8(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    """The private key as AWS asks for it: PKCS#8 DER, unencrypted."""
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def import_material(ks: strongroom.Keystore, key_id: str, material: bytes, algorithm: str) -> str:
    params = ks.get_parameters_for_import(key_id, algorithm, "RSA_3072")
    return ks.import_key_material(key_id, params.import_token, wrap(params, material, algorithm))


def test_import_an_ecc_key_made_by_cryptography(ks: strongroom.Keystore) -> None:
    private = ec.generate_private_key(ec.SECP256K1())
    key = ks.create_key(key_spec="ECC_SECG_P256K1", origin="EXTERNAL").key_id
    # Another curve's key decrypts but is not this key's material.
    with pytest.raises(strongroom.IncorrectKeyMaterial):
        import_material(ks, key, pkcs8(ec.generate_private_key(ec.SECP256R1())), "RSAES_OAEP_SHA_256")
    assert ks.describe_key(key).key_state == "PendingImport"
    import_material(ks, key, pkcs8(private), "RSAES_OAEP_SHA_256")
    signature = ks.sign(key, b"imported in Python", "ECDSA_SHA_256").signature
    # The original public key verifies what strongroom signed.
    private.public_key().verify(signature, b"imported in Python", ec.ECDSA(hashes.SHA256()))
    assert ks.get_public_key(key).public_key == private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    # After deletion only the same private key brings the key back.
    ks.delete_imported_key_material(key)
    with pytest.raises(strongroom.IncorrectKeyMaterial):
        import_material(ks, key, pkcs8(ec.generate_private_key(ec.SECP256K1())),
                        "RSA_AES_KEY_WRAP_SHA_256")
    import_material(ks, key, pkcs8(private), "RSA_AES_KEY_WRAP_SHA_1")
    ks.verify(key, b"imported in Python", signature, "ECDSA_SHA_256")


def test_import_an_rsa_key_needs_an_aes_key_wrap(ks: strongroom.Keystore) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = ks.create_key(key_spec="RSA_2048", key_usage="ENCRYPT_DECRYPT", origin="EXTERNAL").key_id
    with pytest.raises(strongroom.UnsupportedOperation):
        ks.get_parameters_for_import(key, "RSAES_OAEP_SHA_256", "RSA_4096")
    import_material(ks, key, pkcs8(private), "RSA_AES_KEY_WRAP_SHA_256")
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(),
                        label=None)
    ciphertext = private.public_key().encrypt(b"to the imported key", oaep)
    plain = ks.decrypt(ciphertext, key_id=key, encryption_algorithm="RSAES_OAEP_SHA_256")
    assert plain == b"to the imported key"


@pytest.mark.parametrize(("spec", "algorithm", "size"), [
    ("HMAC_224", "HMAC_SHA_224", 28), ("HMAC_256", "HMAC_SHA_256", 32),
    ("HMAC_384", "HMAC_SHA_384", 48), ("HMAC_512", "HMAC_SHA_512", 64)])
def test_import_hmac_keys(ks: strongroom.Keystore, spec: str, algorithm: str, size: int) -> None:
    key = ks.create_key(key_spec=spec, origin="EXTERNAL").key_id
    with pytest.raises(strongroom.InvalidCiphertext):
        import_material(ks, key, os.urandom(size - 1), "RSAES_OAEP_SHA_256")
    with pytest.raises(strongroom.InvalidCiphertext):
        import_material(ks, key, os.urandom(129),
                        "RSA_AES_KEY_WRAP_SHA_256")
    material = os.urandom(128)  # 1024 bits, the longest AWS takes
    import_material(ks, key, material, "RSA_AES_KEY_WRAP_SHA_256")
    mac = ks.generate_mac(key, b"mac me", algorithm).mac
    digest = "sha" + algorithm.rsplit("_", 1)[1]
    assert mac == hmac.new(material, b"mac me", getattr(hashlib, digest)).digest()


def test_unimportable_specs(ks: strongroom.Keystore) -> None:
    for spec in ("ECC_NIST_EDWARDS25519", "ML_DSA_87"):
        with pytest.raises(strongroom.UnsupportedOperation):
            ks.create_key(key_spec=spec, origin="EXTERNAL")


def test_import_type_and_key_material_id(tks: strongroom.Keystore) -> None:
    """AWS's ImportType and KeyMaterialId, checked before the token is used."""
    k = tks.create_key(origin="EXTERNAL").key_id
    alg = "RSAES_OAEP_SHA_256"
    material = os.urandom(32)
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    wrapped = wrap(p, material, alg)

    def claim(import_type: str | None = None, key_material_id: str | None = None) -> str:
        return tks.import_key_material(k, p.import_token, wrapped, expiration_model=NEVER,
                                       import_type=import_type, key_material_id=key_material_id)

    with pytest.raises(strongroom.Validation):  # the first import is NEW_KEY_MATERIAL
        claim(import_type="EXISTING_KEY_MATERIAL")
    with pytest.raises(strongroom.Validation):
        claim(import_type="SOMETIMES")
    with pytest.raises(strongroom.Validation):  # no id with NEW_KEY_MATERIAL
        claim(import_type="NEW_KEY_MATERIAL", key_material_id="ab" * 32)
    mid = claim(import_type="NEW_KEY_MATERIAL")  # the token was still valid
    tks.delete_imported_key_material(k)
    p = tks.get_parameters_for_import(k, alg, "RSA_2048")
    wrapped = wrap(p, material, alg)
    with pytest.raises(strongroom.UnsupportedOperation):  # one material per key
        claim(import_type="NEW_KEY_MATERIAL")
    with pytest.raises(strongroom.NotFound):
        claim(key_material_id="ab" * 32)
    with pytest.raises(strongroom.Validation):  # not 64 hex characters
        claim(key_material_id="ab" * 31)
    assert claim(import_type="EXISTING_KEY_MATERIAL", key_material_id=mid) == mid
    assert tks.describe_key(k).key_state == "Enabled"


def test_key_material_description(tks: strongroom.Keystore) -> None:
    """AWS's KeyMaterialDescription: bounded, listed by list_key_rotations, kept when omitted."""
    k = tks.create_key(origin="EXTERNAL").key_id
    alg = "RSAES_OAEP_SHA_256"
    material = os.urandom(32)

    def imported(description: str | None) -> str:
        p = tks.get_parameters_for_import(k, alg, "RSA_2048")
        return tks.import_key_material(k, p.import_token, wrap(p, material, alg),
                                       expiration_model=NEVER,
                                       key_material_description=description)

    for bad in ("", "semi;colon", "a" * 257):
        with pytest.raises(strongroom.Validation):
            imported(bad)
    assert tks.describe_key(k).key_state == "PendingImport"
    imported("HSM export/2026-01 v1.2")
    [entry] = tks.list_key_rotations(k, "ALL_KEY_MATERIAL")
    assert entry.key_material_description == "HSM export/2026-01 v1.2"
    imported(None)  # an import without one keeps it, as AWS does
    [entry] = tks.list_key_rotations(k, "ALL_KEY_MATERIAL")
    assert entry.key_material_description == "HSM export/2026-01 v1.2"
    imported("a" * 256)
    [entry] = tks.list_key_rotations(k, "ALL_KEY_MATERIAL")
    assert entry.key_material_description == "a" * 256
    own = tks.create_key().key_id
    [entry] = tks.list_key_rotations(own, "ALL_KEY_MATERIAL")
    assert entry.key_material_description is None
