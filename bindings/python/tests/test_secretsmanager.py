"""Named secrets through the boto3-shaped methods (SPEC section 14): the seeds' scenario, str and
bytes values, errors by class, the KMS key's state, and no value in clear in the file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import strongroom
from conftest import create


def test_the_seeds_scenario(ks: strongroom.Keystore) -> None:
    made = ks.create_secret(Name="prod/db", SecretString='{"password":"hunter2"}',
                            Tags=[{"Key": "env", "Value": "prod"}])
    assert made["ARN"].startswith("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-")
    got = ks.get_secret_value(SecretId="prod/db")
    assert got["SecretString"] == '{"password":"hunter2"}'
    assert got["VersionStages"] == ["AWSCURRENT"]
    assert isinstance(got["CreatedDate"], datetime) and got["CreatedDate"].tzinfo is not None
    ks.put_secret_value(SecretId=made["ARN"], SecretString='{"password":"rotated"}')
    assert ks.get_secret_value(SecretId="prod/db")["SecretString"] == '{"password":"rotated"}'
    prev = ks.get_secret_value(SecretId="prod/db", VersionStage="AWSPREVIOUS")
    assert prev["SecretString"] == '{"password":"hunter2"}' and prev["VersionId"] == made["VersionId"]
    deleted = ks.delete_secret(SecretId="prod/db", RecoveryWindowInDays=7)
    assert (deleted["DeletionDate"] - got["CreatedDate"]).days == 7
    with pytest.raises(strongroom.InvalidState):
        ks.get_secret_value(SecretId="prod/db")
    ks.restore_secret(SecretId="prod/db")
    assert ks.get_secret_value(SecretId="prod/db")["SecretString"] == '{"password":"rotated"}'
    d = ks.describe_secret(SecretId="prod/db")
    assert d["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert sorted(d["VersionIdsToStages"].values()) == [["AWSCURRENT"], ["AWSPREVIOUS"]]
    # The day of the last read, at 00:00 UTC (AWS's LastAccessedDate is a date).
    day = got["CreatedDate"].replace(hour=0, minute=0, second=0, microsecond=0)
    assert d["LastAccessedDate"] == day
    versions = ks.list_secret_version_ids(SecretId="prod/db")["Versions"]
    assert all(v["LastAccessedDate"] == day for v in versions)


def test_binary_values_are_bytes(ks: strongroom.Keystore) -> None:
    ks.create_secret(Name="bin", SecretBinary=b"\x00\xff")
    got = ks.get_secret_value(SecretId="bin")
    assert got["SecretBinary"] == b"\x00\xff" and "SecretString" not in got
    with pytest.raises(strongroom.Validation):
        ks.put_secret_value(SecretId="bin", SecretString="a", SecretBinary=b"b")


def test_errors_by_class(ks: strongroom.Keystore) -> None:
    ks.create_secret(Name="x", SecretString="1")
    with pytest.raises(strongroom.AlreadyExists):
        ks.create_secret(Name="x", SecretString="2")
    with pytest.raises(strongroom.NotFound):
        ks.describe_secret(SecretId="missing")
    with pytest.raises(strongroom.Validation):
        ks.create_secret(Name="bad name")
    with pytest.raises(strongroom.Validation):
        ks.delete_secret(SecretId="x", RecoveryWindowInDays=31)
    with pytest.raises(strongroom.Validation):
        ks.list_secrets(MaxResults=0)


def test_the_kms_keys_state_governs_access(ks: strongroom.Keystore) -> None:
    key = ks.create_key().key_id
    ks.create_secret(Name="s", SecretString="v", KmsKeyId=key)
    ks.disable_key(key)
    with pytest.raises(strongroom.DecryptionFailure, match="disabled"):
        ks.get_secret_value(SecretId="s")
    with pytest.raises(strongroom.EncryptionFailure):
        ks.put_secret_value(SecretId="s", SecretString="w")
    ks.enable_key(key)
    assert ks.get_secret_value(SecretId="s")["SecretString"] == "v"


def test_lists_stages_tags_and_passwords(ks: strongroom.Keystore) -> None:
    for name in ["a/1", "a/2", "b/1"]:
        ks.create_secret(Name=name, SecretString="v")
    page = ks.list_secrets(Filters=[{"Key": "name", "Values": ["a/"]}], MaxResults=1)
    assert len(page["SecretList"]) == 1 and "NextToken" in page
    rest = ks.list_secrets(Filters=[{"Key": "name", "Values": ["a/"]}], NextToken=page["NextToken"])
    assert {s["Name"] for s in page["SecretList"] + rest["SecretList"]} == {"a/1", "a/2"}
    v2 = ks.put_secret_value(SecretId="a/1", SecretString="w", VersionStages=["AWSPENDING"])
    cur = [v for v in ks.list_secret_version_ids(SecretId="a/1")["Versions"]
           if v["VersionStages"] == ["AWSCURRENT"]][0]
    ks.update_secret_version_stage(SecretId="a/1", VersionStage="AWSCURRENT",
                                   RemoveFromVersionId=cur["VersionId"], MoveToVersionId=v2["VersionId"])
    assert ks.get_secret_value(SecretId="a/1")["SecretString"] == "w"
    ks.tag_secret(SecretId="a/1", Tags=[{"Key": "k", "Value": "v"}])
    ks.untag_secret(SecretId="a/1", TagKeys=["k"])
    assert "Tags" not in ks.describe_secret(SecretId="a/1")
    ks.update_secret(SecretId="a/1", Description="d")
    assert ks.describe_secret(SecretId="a/1")["Description"] == "d"
    p = ks.get_random_password(PasswordLength=16, ExcludePunctuation=True)["RandomPassword"]
    assert len(p) == 16 and p.isalnum()


def test_no_value_in_clear_in_the_file(ks_path: Path) -> None:
    probe = "PY-PROBE-5ee1d"
    ks = create(ks_path)
    ks.create_secret(Name="p", SecretString=probe)
    ks.delete_secret(SecretId="p", ForceDeleteWithoutRecovery=True)
    ks.close()
    assert probe.encode() not in ks_path.read_bytes()


DENY = ('{"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},'
        ' "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}')
PUBLIC = ('{"Statement": [{"Effect": "Allow", "Principal": "*",'
          ' "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}')


def test_resource_policies(ks: strongroom.Keystore) -> None:
    made = ks.create_secret(Name="rp/db", SecretString="v")
    got = ks.get_resource_policy(SecretId="rp/db")
    assert got == {"ARN": made["ARN"], "Name": "rp/db", "PolicyName": "default"}
    put = ks.put_resource_policy(SecretId="rp/db", ResourcePolicy=DENY, BlockPublicPolicy=True)
    assert put == {"ARN": made["ARN"], "Name": "rp/db", "PolicyName": "default"}
    assert ks.get_resource_policy(SecretId=made["ARN"])["ResourcePolicy"] == DENY
    with pytest.raises(strongroom.PublicPolicy):
        ks.put_resource_policy(SecretId="rp/db", ResourcePolicy=PUBLIC, BlockPublicPolicy=True)
    with pytest.raises(strongroom.MalformedPolicyDocument):
        ks.put_resource_policy(SecretId="rp/db", ResourcePolicy="{")
    with pytest.raises(strongroom.Validation):
        ks.put_resource_policy(SecretId="rp/db", ResourcePolicy=DENY, PolicyName="other")
    with pytest.raises(strongroom.Validation):
        ks.put_resource_policy(SecretId="rp/db", ResourcePolicy=" " * 20_481)
    with pytest.raises(strongroom.NotFound):
        ks.get_resource_policy(SecretId="nope")
    assert ks.get_resource_policy(SecretId="rp/db")["ResourcePolicy"] == DENY, "unchanged"
    # Kept across writes; the in-process caller (the account root) is never checked.
    ks.put_secret_value(SecretId="rp/db", SecretString="v2")
    ks.update_secret(SecretId="rp/db", Description="d")
    assert ks.get_secret_value(SecretId="rp/db")["SecretString"] == "v2"
    assert ks.get_resource_policy(SecretId="rp/db")["ResourcePolicy"] == DENY
    ks.put_resource_policy(SecretId="rp/db", ResourcePolicy=PUBLIC)  # no block: accepted
    v = ks.validate_resource_policy(ResourcePolicy=PUBLIC)
    assert v["PolicyValidationPassed"] is False
    assert [e["CheckName"] for e in v["ValidationErrors"]] == ["BROAD_ACCESS"]
    v = ks.validate_resource_policy(ResourcePolicy="[]", SecretId="rp/db")
    assert v["PolicyValidationPassed"] is False
    assert v["ValidationErrors"][0]["CheckName"] == "SYNTAX_CHECK"
    assert ks.validate_resource_policy(ResourcePolicy=DENY) == {
        "PolicyValidationPassed": True, "ValidationErrors": []}
    deleted = ks.delete_resource_policy(SecretId="rp/db")
    assert deleted == {"ARN": made["ARN"], "Name": "rp/db", "PolicyName": "default"}
    assert "ResourcePolicy" not in ks.get_resource_policy(SecretId="rp/db")
