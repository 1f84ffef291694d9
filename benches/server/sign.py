"""Writes a wrk Lua script that replays one SigV4-signed KMS Encrypt request (32 B, with an
encryption context), signed once here with botocore's own signer.

The signature covers X-Amz-Date, so the replayed request stays valid only while the server's clock
is within AWS's 5-minute skew window of the signing time: benches/server/run.sh signs right before
each wrk run (10 s). Every replay is the same request; the server verifies every one in full.

Usage: sign.py ENDPOINT KEY_ID ACCESS_KEY_ID SECRET OUT.lua
"""

import base64
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def lua_string(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def main() -> None:
    endpoint, key_id, access_key, secret, out = sys.argv[1:6]
    body = json.dumps(
        {
            "KeyId": key_id,
            "Plaintext": base64.b64encode(b"0123456789abcdef0123456789abcdef").decode(),
            "EncryptionContext": {"app": "bench", "tenant": "42"},
        }
    )
    req = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "TrentService.Encrypt",
        },
    )
    SigV4Auth(Credentials(access_key, secret), "kms", "us-east-1").add_auth(req)
    host = endpoint.split("://", 1)[1]
    lines = ['wrk.method = "POST"', f"wrk.body = {lua_string(body)}", "wrk.headers = {}"]
    lines.append(f'wrk.headers["Host"] = {lua_string(host)}')
    for name, value in req.headers.items():
        if name.lower() == "host":
            continue
        lines.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
