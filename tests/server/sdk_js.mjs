// The AWS SDK for JavaScript v3 (@aws-sdk/client-kms, installed by tests/server/run.sh into a
// scratch directory under target/) against strongroom serve: a round trip (CreateKey, Encrypt
// with an encryption context, Decrypt) and AWS's NotFoundException for an unknown key, raised as
// the SDK's own exception class. Usage: node sdk_js.mjs ENDPOINT (credentials from the env).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.SR_JS_SDK_DIR, "node_modules", "x.js"));
const { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand, NotFoundException } =
  require("@aws-sdk/client-kms");

const endpoint = process.argv[2];
const kms = new KMSClient({ endpoint, region: "us-east-1", maxAttempts: 1 });

const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "js sdk" }));
assert.match(KeyMetadata.Arn, /^arn:/);
const plaintext = new TextEncoder().encode("hello from node");
const context = { app: "js-sdk" };
const enc = await kms.send(
  new EncryptCommand({ KeyId: KeyMetadata.KeyId, Plaintext: plaintext, EncryptionContext: context }),
);
assert.equal(enc.KeyId, KeyMetadata.Arn);
assert.ok(enc.CiphertextBlob instanceof Uint8Array && enc.CiphertextBlob.length > plaintext.length);
const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context }));
assert.deepEqual(Buffer.from(dec.Plaintext), Buffer.from(plaintext));
assert.equal(dec.KeyId, KeyMetadata.Arn);

try {
  await kms.send(new DescribeKeyCommand({ KeyId: "11111111-2222-3333-4444-555555555555" }));
  assert.fail("DescribeKey of an unknown key succeeded");
} catch (e) {
  assert.ok(e instanceof NotFoundException, `expected NotFoundException, got ${e.name}: ${e.message}`);
  assert.equal(e.name, "NotFoundException");
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.ok(e.$metadata.requestId, "no x-amzn-RequestId");
}
console.log("js sdk: round trip and NotFoundException ok");
