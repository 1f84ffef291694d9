"""SPEC section 13, key policies and grants, through Python. The handle is the account root:
policies and grants do not restrict it; they bind the server's callers. A policy or grant may
name only users the keystore has (`strongroom iam`, which Python does not expose): these name
the account root, and a user ARN is refused."""

from __future__ import annotations

import json

import pytest

import strongroom

ROOT = "arn:aws:iam::111122223333:root"
NO_USER = "arn:aws:iam::111122223333:user/app"

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ROOT},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
)


def test_policies(ks: strongroom.Keystore, key_id: str) -> None:
    default = ks.get_key_policy(key_id)
    assert '"Sid" : "Enable IAM User Permissions"' in default
    assert ks.list_key_policies(key_id) == ["default"]
    ks.put_key_policy(key_id, POLICY)
    assert ks.get_key_policy(key_id, policy_name="default") == POLICY
    # The policy does not restrict this handle (the account root).
    assert ks.decrypt(ks.encrypt(key_id, b"x")) == b"x"
    with pytest.raises(strongroom.MalformedPolicyDocument):
        ks.put_key_policy(key_id, "{")
    with pytest.raises(strongroom.MalformedPolicyDocument, match="user/app is not a user"):
        ks.put_key_policy(key_id, POLICY.replace(ROOT, NO_USER))
    assert ks.get_key_policy(key_id) == POLICY
    lockout = json.dumps(
        {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"}}
    )
    with pytest.raises(strongroom.MalformedPolicyDocument):
        ks.put_key_policy(key_id, lockout)
    ks.put_key_policy(key_id, lockout, bypass_policy_lockout_safety_check=True)
    with pytest.raises(strongroom.Validation):
        ks.put_key_policy(key_id, "x" * 32769)
    key = ks.create_key(tags={"Team": "payments"}, policy=POLICY)
    assert ks.get_key_policy(key.key_id) == POLICY
    assert ks.list_resource_tags(key.key_id).tags == {"Team": "payments"}
    with pytest.raises(strongroom.MalformedPolicyDocument):
        ks.create_key(policy="[]")


def test_grants(ks: strongroom.Keystore, key_id: str) -> None:
    with pytest.raises(strongroom.Validation, match="not a user of this keystore"):
        ks.create_grant(key_id, NO_USER, ["Encrypt"])
    g = ks.create_grant(
        key_id,
        ROOT,
        ["Encrypt", "Decrypt"],
        retiring_principal=ROOT,
        constraints={"EncryptionContextSubset": {"tenant": "acme"}},
        name="app",
    )
    assert isinstance(g, strongroom.CreatedGrant)
    assert len(g.grant_id) == 64
    [entry] = ks.list_grants(key_id)
    assert isinstance(entry, strongroom.GrantListEntry)
    assert entry.grant_id == g.grant_id
    assert entry.grantee_principal == ROOT
    assert entry.operations == ["Encrypt", "Decrypt"]
    assert entry.constraints == {"EncryptionContextSubset": {"tenant": "acme"}}
    assert entry.name == "app"
    assert entry.creation_date.tzinfo is not None
    assert [e.grant_id for e in ks.list_retirable_grants(ROOT)] == [g.grant_id]
    ks.retire_grant(grant_token=g.grant_token)
    assert ks.list_grants(key_id) == []
    with pytest.raises(strongroom.NotFound):
        ks.revoke_grant(key_id, g.grant_id)
    with pytest.raises(strongroom.Validation):
        ks.create_grant(key_id, ROOT, ["Nope"])
    with pytest.raises(strongroom.Validation):
        ks.create_grant(key_id, ROOT, ["Decrypt"], constraints={"Other": {}})
    with pytest.raises(strongroom.InvalidGrantToken):
        ks.retire_grant(grant_token="junk")
