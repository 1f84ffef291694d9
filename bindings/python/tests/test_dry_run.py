"""AWS KMS's ``DryRun`` through Python: ``dry_run=True`` on every operation botocore gives it
checks the call completely and changes nothing. A call that would have succeeded raises
``DryRunOperation``; one that would have failed raises its real error."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import strongroom

ROOT = "arn:aws:iam::111122223333:root"
MESSAGE = "The request would have succeeded, but the DryRun option is set."


def dry(call: Callable[[], object]) -> None:
    """``call`` raises ``DryRunOperation`` with AWS's message."""
    with pytest.raises(strongroom.DryRunOperation) as e:
        call()
    assert str(e.value) == MESSAGE


def test_allowed_calls_answer_dry_run_operation_and_change_nothing(
    ks: strongroom.Keystore, key_id: str
) -> None:
    blob = ks.encrypt(key_id, b"secret", {"app": "x"})
    used = ks.get_key_last_usage(key_id)
    other = ks.create_key().key_id
    generation = ks.generation()
    dry(lambda: ks.encrypt(key_id, b"secret", dry_run=True))
    dry(lambda: ks.decrypt(blob, {"app": "x"}, dry_run=True))
    dry(lambda: ks.decrypt_with_key_id(blob, {"app": "x"}, dry_run=True))
    dry(lambda: ks.re_encrypt(blob, other, {"app": "x"}, dry_run=True))
    dry(lambda: ks.generate_data_key(key_id, dry_run=True))
    dry(lambda: ks.generate_data_key_without_plaintext(key_id, dry_run=True))
    dry(lambda: ks.generate_data_key_pair(key_id, "ECC_NIST_P256", dry_run=True))
    dry(lambda: ks.generate_data_key_pair_without_plaintext(key_id, "ECC_NIST_P256",
                                                            dry_run=True))
    dry(lambda: ks.create_grant(key_id, ROOT, ["Encrypt"], dry_run=True))
    # Nothing was written, no grant exists, and no use was recorded as the key's last use.
    assert ks.list_grants(key_id) == []
    assert ks.generation() == generation
    last = ks.get_key_last_usage(key_id)
    assert (last.operation, last.timestamp) == (used.operation, used.timestamp)
    assert ks.get_key_last_usage(other).operation is None
    # Without dry_run, the same calls work.
    assert ks.decrypt(blob, {"app": "x"}) == b"secret"
    grant = ks.create_grant(key_id, ROOT, ["Encrypt"])
    dry(lambda: ks.retire_grant(key_id=key_id, grant_id=grant.grant_id, dry_run=True))
    dry(lambda: ks.revoke_grant(key_id, grant.grant_id, dry_run=True))
    assert [g.grant_id for g in ks.list_grants(key_id)] == [grant.grant_id]


def test_asymmetric_and_mac_dry_runs(ks: strongroom.Keystore) -> None:
    signing = ks.create_key(key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY").key_id
    signature = ks.sign(signing, b"m", "ECDSA_SHA_256").signature
    dry(lambda: ks.sign(signing, b"m", "ECDSA_SHA_256", dry_run=True))
    dry(lambda: ks.verify(signing, b"m", signature, "ECDSA_SHA_256", dry_run=True))
    # A signature that does not verify is the real error, not DryRunOperation.
    with pytest.raises(strongroom.KMSInvalidSignature):
        ks.verify(signing, b"other", signature, "ECDSA_SHA_256", dry_run=True)
    mac_key = ks.create_key(key_spec="HMAC_256", key_usage="GENERATE_VERIFY_MAC").key_id
    mac = ks.generate_mac(mac_key, b"m", "HMAC_SHA_256").mac
    dry(lambda: ks.generate_mac(mac_key, b"m", "HMAC_SHA_256", dry_run=True))
    dry(lambda: ks.verify_mac(mac_key, b"m", mac, "HMAC_SHA_256", dry_run=True))
    with pytest.raises(strongroom.KMSInvalidMac):
        ks.verify_mac(mac_key, b"other", mac, "HMAC_SHA_256", dry_run=True)
    agreement = ks.create_key(key_spec="ECC_NIST_P256", key_usage="KEY_AGREEMENT").key_id
    peer = ks.get_public_key(agreement).public_key
    dry(lambda: ks.derive_shared_secret(agreement, "ECDH", peer, dry_run=True))
    rsa = ks.create_key(key_spec="RSA_2048", key_usage="ENCRYPT_DECRYPT").key_id
    dry(lambda: ks.encrypt(rsa, b"x", encryption_algorithm="RSAES_OAEP_SHA_256", dry_run=True))


def test_refused_calls_report_the_refusal(ks: strongroom.Keystore, key_id: str) -> None:
    blob = ks.encrypt(key_id, b"secret")
    with pytest.raises(strongroom.InvalidCiphertext):
        ks.decrypt(blob[:-1] + bytes([blob[-1] ^ 1]), dry_run=True)
    with pytest.raises(strongroom.NotFound):
        ks.encrypt("alias/none", b"x", dry_run=True)
    with pytest.raises(strongroom.Validation):
        ks.generate_data_key(key_id, key_spec="AES_256", number_of_bytes=32, dry_run=True)
    with pytest.raises(strongroom.NotFound):
        ks.revoke_grant(key_id, "0" * 64, dry_run=True)
    ks.disable_key(key_id)
    with pytest.raises(strongroom.Disabled):
        ks.encrypt(key_id, b"x", dry_run=True)
    with pytest.raises(strongroom.Disabled):
        ks.decrypt(blob, dry_run=True)
    pending = ks.create_key().key_id
    ks.schedule_key_deletion(pending, 7)
    with pytest.raises(strongroom.InvalidState):
        ks.create_grant(pending, ROOT, ["Encrypt"], dry_run=True)


def test_dry_run_is_keyword_only(ks: strongroom.Keystore, key_id: str) -> None:
    encrypt = getattr(ks, "encrypt")  # untyped: the stub rightly refuses this call
    with pytest.raises(TypeError):
        encrypt(key_id, b"x", None, None, True)
