"""boto3's `secretsmanager` client against `strongroom serve` (SPEC sections 12 and 14): the
seeds' scenario (store a password, read it, rotate it with put_secret_value, read the previous
version, delete with a 7-day window, restore), every served operation's shape, the error classes,
SigV4 signed for the `secretsmanager` service with the same credentials as KMS, and resource
policies (a Deny for one user refuses that user only)."""

import json
import re
import subprocess

import boto3
import botocore.config
import pytest

from test_boto3 import BIN, ENV, Server

CONFIG = botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)


def sm_client(server, key_id="x", secret="x"):
    return boto3.client("secretsmanager", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret, config=CONFIG)


@pytest.fixture(scope="module")
def sm():
    s = Server("--unauthenticated")
    yield sm_client(s), s
    s.stop()


def code(call):
    with pytest.raises(Exception) as e:
        call()
    return e.value.response["Error"]["Code"]


def test_the_seeds_scenario(sm):
    c, _ = sm
    made = c.create_secret(Name="prod/db", SecretString='{"password":"hunter2"}',
                           Description="the database", Tags=[{"Key": "env", "Value": "prod"}])
    assert made["ARN"].startswith("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-")
    assert made["Name"] == "prod/db"
    first = made["VersionId"]
    got = c.get_secret_value(SecretId="prod/db")
    assert got["SecretString"] == '{"password":"hunter2"}'
    assert got["VersionStages"] == ["AWSCURRENT"]
    assert got["ARN"] == made["ARN"]
    put = c.put_secret_value(SecretId=made["ARN"], SecretString='{"password":"rotated"}')
    assert put["VersionStages"] == ["AWSCURRENT"]
    assert c.get_secret_value(SecretId="prod/db")["SecretString"] == '{"password":"rotated"}'
    prev = c.get_secret_value(SecretId="prod/db", VersionStage="AWSPREVIOUS")
    assert prev["VersionId"] == first and prev["SecretString"] == '{"password":"hunter2"}'
    d = c.describe_secret(SecretId="prod/db")
    assert d["Description"] == "the database" and d["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert d["VersionIdsToStages"] == {first: ["AWSPREVIOUS"], put["VersionId"]: ["AWSCURRENT"]}
    assert "KmsKeyId" not in d  # the default secrets key
    day = d["CreatedDate"].replace(hour=0, minute=0, second=0, microsecond=0)
    assert d["LastAccessedDate"] == day  # a date, as AWS gives it
    deleted = c.delete_secret(SecretId="prod/db", RecoveryWindowInDays=7)
    assert (deleted["DeletionDate"] - d["CreatedDate"]).days == 7
    assert code(lambda: c.get_secret_value(SecretId="prod/db")) == "InvalidRequestException"
    assert c.describe_secret(SecretId="prod/db")["DeletedDate"] == deleted["DeletionDate"]
    c.restore_secret(SecretId="prod/db")
    assert c.get_secret_value(SecretId="prod/db")["SecretString"] == '{"password":"rotated"}'


def test_binary_versions_stages_and_tags(sm):
    c, _ = sm
    c.create_secret(Name="bin", SecretBinary=b"\x00\xffraw")
    assert c.get_secret_value(SecretId="bin")["SecretBinary"] == b"\x00\xffraw"
    token = "a" * 32
    v = c.put_secret_value(SecretId="bin", SecretBinary=b"next", ClientRequestToken=token,
                           VersionStages=["AWSPENDING"])
    assert v["VersionId"] == token
    versions = c.list_secret_version_ids(SecretId="bin")["Versions"]
    assert {tuple(x["VersionStages"]) for x in versions} == {("AWSCURRENT",), ("AWSPENDING",)}
    # Only the version that was read has a LastAccessedDate.
    assert [("LastAccessedDate" in x) for x in versions] == [x["VersionStages"] == ["AWSCURRENT"]
                                                              for x in versions]
    assert all(x["KmsKeyIds"][0].startswith("arn:aws:kms:us-east-1:111122223333:key/") for x in versions)
    cur = [x["VersionId"] for x in versions if x["VersionStages"] == ["AWSCURRENT"]][0]
    c.update_secret_version_stage(SecretId="bin", VersionStage="AWSCURRENT",
                                  RemoveFromVersionId=cur, MoveToVersionId=token)
    assert c.get_secret_value(SecretId="bin")["SecretBinary"] == b"next"
    c.tag_resource(SecretId="bin", Tags=[{"Key": "team", "Value": "a"}])
    c.untag_resource(SecretId="bin", TagKeys=["team"])
    assert "Tags" not in c.describe_secret(SecretId="bin")
    c.update_secret(SecretId="bin", Description="changed")
    assert c.describe_secret(SecretId="bin")["Description"] == "changed"


def test_list_secrets_filters_and_paginates(sm):
    c, _ = sm
    for i in range(3):
        c.create_secret(Name=f"list/{i}", SecretString="x")
    names = [s["Name"] for s in c.list_secrets(Filters=[{"Key": "name", "Values": ["list/"]}])["SecretList"]]
    assert sorted(names) == ["list/0", "list/1", "list/2"]
    pages = c.get_paginator("list_secrets").paginate(
        Filters=[{"Key": "name", "Values": ["list/"]}], PaginationConfig={"PageSize": 2})
    assert sum(len(p["SecretList"]) for p in pages) == 3
    entry = c.list_secrets(Filters=[{"Key": "name", "Values": ["list/0"]}])["SecretList"][0]
    assert list(entry["SecretVersionsToStages"].values()) == [["AWSCURRENT"]]


def test_random_password(sm):
    c, _ = sm
    p = c.get_random_password(PasswordLength=20, ExcludePunctuation=True)["RandomPassword"]
    assert len(p) == 20 and p.isalnum()


def test_error_classes(sm):
    c, _ = sm
    c.create_secret(Name="dup", SecretString="x")
    assert code(lambda: c.create_secret(Name="dup", SecretString="y")) == "ResourceExistsException"
    assert code(lambda: c.get_secret_value(SecretId="missing")) == "ResourceNotFoundException"
    assert code(lambda: c.create_secret(Name="bad name", SecretString="y")) == "InvalidParameterException"
    assert code(lambda: c.delete_secret(SecretId="dup", RecoveryWindowInDays=6)) == "InvalidParameterException"
    assert code(lambda: c.list_secrets(NextToken="nope")) == "InvalidNextTokenException"
    assert code(lambda: c.create_secret(Name="r", SecretString="y", AddReplicaRegions=[{"Region": "eu-west-1"}])) \
        == "ValidationException"
    exc = c.exceptions.ResourceNotFoundException
    with pytest.raises(exc):
        c.describe_secret(SecretId="missing")


def test_a_disabled_key_is_a_decryption_failure(sm):
    c, s = sm
    kms = s.client()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    c.create_secret(Name="guarded", SecretString="v", KmsKeyId=key)
    assert c.describe_secret(SecretId="guarded")["KmsKeyId"].endswith(key)
    kms.disable_key(KeyId=key)
    with pytest.raises(c.exceptions.DecryptionFailure) as e:
        c.get_secret_value(SecretId="guarded")
    assert "disabled" in e.value.response["Error"]["Message"]
    assert code(lambda: c.put_secret_value(SecretId="guarded", SecretString="w")) == "EncryptionFailure"
    kms.enable_key(KeyId=key)
    assert c.get_secret_value(SecretId="guarded")["SecretString"] == "v"


def test_force_delete(sm):
    c, _ = sm
    c.create_secret(Name="gone", SecretString="v")
    c.delete_secret(SecretId="gone", ForceDeleteWithoutRecovery=True)
    assert code(lambda: c.describe_secret(SecretId="gone")) == "ResourceNotFoundException"


def test_sigv4_signed_for_secretsmanager():
    keys = {}

    def users(s):
        s.cli("iam", "create-user", "--user-name", "ci")
        keys["ci"] = s.cli("iam", "create-access-key", "--user-name", "ci")["AccessKey"]

    s = Server(setup=users)
    try:
        key_id, secret = keys["ci"]["AccessKeyId"], keys["ci"]["SecretAccessKey"]
        good = sm_client(s, key_id, secret)
        good.create_secret(Name="signed", SecretString="v")
        assert good.get_secret_value(SecretId="signed")["SecretString"] == "v"
        bad = sm_client(s, key_id, "wrong")
        assert code(lambda: bad.list_secrets()) == "InvalidSignatureException"
        stranger = sm_client(s, "AKIAUNKNOWN000000000", secret)
        assert code(lambda: stranger.list_secrets()) == "UnrecognizedClientException"
    finally:
        s.stop()
    callers = s.callers("GetSecretValue")
    assert len(callers) == 1 and re.fullmatch(
        re.escape("arn:aws:iam::111122223333:user/ci") + r"@127\.0\.0\.1:\d+", callers.pop()
    ), s.callers("GetSecretValue")
    s.dir.cleanup()


def test_resource_policies(sm):
    """PutResourcePolicy, GetResourcePolicy, ValidateResourcePolicy and DeleteResourcePolicy with
    boto3's names and shapes, and their errors."""
    c, _ = sm
    made = c.create_secret(Name="rp/db", SecretString="v")
    got = c.get_resource_policy(SecretId="rp/db")
    assert (got["ARN"], got["Name"]) == (made["ARN"], "rp/db") and "ResourcePolicy" not in got
    deny = json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*",
                                      "Action": "secretsmanager:DeleteSecret", "Resource": "*"}]})
    public = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                        "Action": "secretsmanager:GetSecretValue",
                                        "Resource": "*"}]})
    put = c.put_resource_policy(SecretId="rp/db", ResourcePolicy=deny, BlockPublicPolicy=True)
    assert (put["ARN"], put["Name"]) == (made["ARN"], "rp/db")
    assert c.get_resource_policy(SecretId=made["ARN"])["ResourcePolicy"] == deny
    assert code(lambda: c.put_resource_policy(SecretId="rp/db", ResourcePolicy=public,
                                              BlockPublicPolicy=True)) == "PublicPolicyException"
    assert code(lambda: c.put_resource_policy(SecretId="rp/db", ResourcePolicy="{")) \
        == "MalformedPolicyDocumentException"
    assert code(lambda: c.put_resource_policy(SecretId="nope", ResourcePolicy=deny)) \
        == "ResourceNotFoundException"
    assert c.get_resource_policy(SecretId="rp/db")["ResourcePolicy"] == deny, "unchanged"
    # The Deny binds the (unauthenticated: root) caller of this server.
    assert code(lambda: c.delete_secret(SecretId="rp/db")) == "AccessDeniedException"
    v = c.validate_resource_policy(ResourcePolicy=public)
    assert v["PolicyValidationPassed"] is False
    assert v["ValidationErrors"][0]["CheckName"] == "BROAD_ACCESS"
    v = c.validate_resource_policy(SecretId="rp/db", ResourcePolicy=deny)
    assert v["PolicyValidationPassed"] is True and v["ValidationErrors"] == []
    deleted = c.delete_resource_policy(SecretId="rp/db")
    assert (deleted["ARN"], deleted["Name"]) == (made["ARN"], "rp/db")
    assert "ResourcePolicy" not in c.get_resource_policy(SecretId="rp/db")
    c.delete_secret(SecretId="rp/db", ForceDeleteWithoutRecovery=True)


def test_a_deny_for_one_user_refuses_that_user_only():
    """Two users signing with their own access keys: a Deny on GetSecretValue for B refuses B,
    in AWS's words, and not A; the refusal is audited under B."""
    keys = {}

    def users(s):
        for u in ("alice", "bob"):
            s.cli("iam", "create-user", "--user-name", u)
            keys[u] = s.cli("iam", "create-access-key", "--user-name", u)["AccessKey"]

    s = Server(setup=users)
    try:
        a = sm_client(s, keys["alice"]["AccessKeyId"], keys["alice"]["SecretAccessKey"])
        b = sm_client(s, keys["bob"]["AccessKeyId"], keys["bob"]["SecretAccessKey"])
        arn = a.create_secret(Name="team/db", SecretString="hunter2")["ARN"]
        assert b.get_secret_value(SecretId="team/db")["SecretString"] == "hunter2"
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "NotBob", "Effect": "Deny",
             "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
             "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
        a.put_resource_policy(SecretId="team/db", ResourcePolicy=policy, BlockPublicPolicy=True)
        with pytest.raises(Exception) as e:
            b.get_secret_value(SecretId="team/db")
        err = e.value.response["Error"]
        assert err["Code"] == "AccessDeniedException"
        assert err["Message"] == (
            "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: "
            f"secretsmanager:GetSecretValue on resource: {arn} with an explicit deny in a "
            "resource-based policy")
        assert a.get_secret_value(SecretId="team/db")["SecretString"] == "hunter2"
        assert b.describe_secret(SecretId="team/db")["Name"] == "team/db"
        a.delete_resource_policy(SecretId="team/db")
        assert b.get_secret_value(SecretId="team/db")["SecretString"] == "hunter2"
    finally:
        s.stop()
    out = subprocess.run([BIN, "--keystore", s.keystore, "audit", "list", "--query",
                          "Events[?Outcome=='AccessDenied'].[Operation, Caller]", "--output",
                          "json"], env=ENV, capture_output=True, text=True, timeout=60, check=True)
    refused = json.loads(out.stdout)
    assert len(refused) == 1 and refused[0][0] == "GetSecretValue", refused
    assert refused[0][1].startswith("arn:aws:iam::111122223333:user/bob@"), refused
    s.dir.cleanup()
