//! Asymmetric and HMAC keys (SPEC section 11, docs/key-types.md) with the AWS CLI's names:
//! `get-public-key`, `sign`, `verify`, `generate-mac`, `verify-mac`, `derive-shared-secret`,
//! `generate-data-key-pair`, `generate-data-key-pair-without-plaintext`. Algorithm and spec names
//! are read by the core's parsers and every rule is the core's; an invalid signature or MAC is the
//! core's `KMSInvalidSignature`/`KMSInvalidMac` (exit 27/28), never a "false" answer.

use crate::args::{DryRunArg, GrantTokensArg, KeyIdTokensArg};
use crate::commands::{b64, parsed, push_algorithms};
use crate::errors::CliResult;
use crate::input::{blob, context};
use crate::obj;
use crate::output::Doc;
use clap::{Args, Subcommand};
use strongroom::{Keystore, MessageType, Operation};
use zeroize::Zeroizing;

/// `sign`'s options, which `verify` shares.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Key id, key ARN, alias name (alias/...) or alias ARN of a SIGN_VERIFY key
    #[arg(long, value_name = "KEY")]
    pub key_id: String,
    /// The message (RAW, 1-4096 bytes) or its digest (DIGEST): fileb://PATH, file://PATH (base64), - (stdin) or base64 text
    #[arg(long)]
    pub message: String,
    /// RAW (the default: the algorithm hashes the message) or DIGEST (the message is the hash)
    #[arg(long)]
    pub message_type: Option<String>,
    /// RSASSA_PSS_SHA_256/384/512, RSASSA_PKCS1_V1_5_SHA_256/384/512, ECDSA_SHA_256/384/512, ED25519_SHA_512 or ML_DSA_SHAKE_256, as the key allows
    #[arg(long)]
    pub signing_algorithm: String,
    /// Grant tokens
    #[command(flatten)]
    pub grant: GrantTokensArg,
    /// --dry-run / --no-dry-run
    #[command(flatten)]
    pub dry: DryRunArg,
}

impl SignArgs {
    fn read(
        &self,
    ) -> CliResult<(
        Zeroizing<Vec<u8>>,
        MessageType,
        strongroom::SigningAlgorithm,
    )> {
        let message_type = match &self.message_type {
            Some(t) => parsed(t)?,
            None => MessageType::Raw,
        };
        Ok((
            blob("message", &self.message)?,
            message_type,
            parsed(&self.signing_algorithm)?,
        ))
    }
}

/// `generate-mac`'s options, which `verify-mac` shares.
#[derive(Debug, Args)]
pub struct MacArgs {
    /// Key id, key ARN, alias name (alias/...) or alias ARN of a GENERATE_VERIFY_MAC key
    #[arg(long, value_name = "KEY")]
    pub key_id: String,
    /// The message, 1-4096 bytes: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
    #[arg(long)]
    pub message: String,
    /// HMAC_SHA_224/256/384/512: the key's own (HMAC_256 keys take HMAC_SHA_256)
    #[arg(long)]
    pub mac_algorithm: String,
    /// Grant tokens
    #[command(flatten)]
    pub grant: GrantTokensArg,
    /// --dry-run / --no-dry-run
    #[command(flatten)]
    pub dry: DryRunArg,
}

/// Options of the data-key-pair commands.
#[derive(Debug, Args)]
pub struct DataKeyPairArgs {
    /// The symmetric key that encrypts the private key: key id, key ARN, alias name or alias ARN
    #[arg(long, value_name = "KEY")]
    pub key_id: String,
    /// RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521 or ECC_SECG_P256K1
    #[arg(long, value_name = "SPEC")]
    pub key_pair_spec: String,
    /// Encryption context: k=v,k2=v2 or a JSON object (or file://PATH); needed again to decrypt the private key
    #[arg(long, value_name = "CONTEXT")]
    pub encryption_context: Option<String>,
    /// Grant tokens
    #[command(flatten)]
    pub grant: GrantTokensArg,
    /// --dry-run / --no-dry-run
    #[command(flatten)]
    pub dry: DryRunArg,
}

/// The commands of asymmetric and HMAC keys.
#[derive(Debug, Subcommand)]
pub enum AsymmetricCommand {
    /// Print an asymmetric key's public key (DER SubjectPublicKeyInfo, base64) with its spec, usage and algorithms
    #[command(
        after_help = "Example:\n  strongroom get-public-key --key-id alias/signing --output text --query PublicKey | base64 --decode > public.der\n  \
openssl pkey -pubin -inform DER -in public.der -out public.pem"
    )]
    GetPublicKey(KeyIdTokensArg),
    /// Sign a message or digest with a SIGN_VERIFY key (ECDSA signatures are DER)
    #[command(
        after_help = "Example:\n  strongroom sign --key-id alias/signing --message fileb://release.tar --message-type RAW \\\n    \
--signing-algorithm ECDSA_SHA_256 --output text --query Signature | base64 --decode > release.sig"
    )]
    Sign(SignArgs),
    /// Verify a signature with a SIGN_VERIFY key: SignatureValid true, or KMSInvalidSignatureException (exit 27)
    #[command(
        after_help = "Example:\n  strongroom verify --key-id alias/signing --message fileb://release.tar --message-type RAW \\\n    \
--signing-algorithm ECDSA_SHA_256 --signature fileb://release.sig"
    )]
    Verify {
        /// Key, message, message type and algorithm, as sign's
        #[command(flatten)]
        sign: SignArgs,
        /// The signature: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
        #[arg(long)]
        signature: String,
    },
    /// Compute the HMAC of a message with a GENERATE_VERIFY_MAC key
    #[command(
        after_help = "Example:\n  strongroom generate-mac --key-id alias/tokens --message fileb://token.txt \\\n    \
--mac-algorithm HMAC_SHA_256 --output text --query Mac | base64 --decode > token.mac"
    )]
    GenerateMac(MacArgs),
    /// Check a MAC in constant time: MacValid true, or KMSInvalidMacException (exit 28)
    #[command(
        after_help = "Example:\n  strongroom verify-mac --key-id alias/tokens --message fileb://token.txt \\\n    \
--mac-algorithm HMAC_SHA_256 --mac fileb://token.mac"
    )]
    VerifyMac {
        /// Key, message and algorithm, as generate-mac's
        #[command(flatten)]
        mac_args: MacArgs,
        /// The MAC: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
        #[arg(long)]
        mac: String,
    },
    /// ECDH between a KEY_AGREEMENT key and a peer's public key: the raw shared secret (derive keys from it with a KDF)
    #[command(
        after_help = "Example:\n  strongroom derive-shared-secret --key-id alias/agreement --key-agreement-algorithm ECDH \\\n    \
--public-key fileb://peer.der --output text --query SharedSecret"
    )]
    DeriveSharedSecret {
        /// Key id, key ARN, alias name (alias/...) or alias ARN of a KEY_AGREEMENT key
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// ECDH
        #[arg(long)]
        key_agreement_algorithm: String,
        /// The peer's public key, DER SubjectPublicKeyInfo on the key's curve: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
        #[arg(long)]
        public_key: String,
        /// Grant tokens (each must name a grant that exists)
        #[command(flatten)]
        grant: GrantTokensArg,
        /// --dry-run / --no-dry-run
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Make an RSA or ECC key pair: the PKCS#8 private key in plaintext and encrypted under a symmetric key, and the public key
    #[command(
        after_help = "Example:\n  strongroom generate-data-key-pair --key-id alias/app --key-pair-spec ECC_NIST_P256 \\\n    \
--output text --query PrivateKeyPlaintext | base64 --decode > private.der"
    )]
    GenerateDataKeyPair(DataKeyPairArgs),
    /// As generate-data-key-pair without the plaintext private key (decrypt PrivateKeyCiphertextBlob when it is needed)
    #[command(
        after_help = "Example:\n  strongroom generate-data-key-pair-without-plaintext --key-id alias/app --key-pair-spec RSA_2048 \\\n    \
--encryption-context purpose=signing"
    )]
    GenerateDataKeyPairWithoutPlaintext(DataKeyPairArgs),
}

impl AsymmetricCommand {
    /// The command's `--grant-tokens` and `--dry-run` (`Command::call_flags`).
    pub fn call_flags(&self) -> (&[String], bool) {
        match self {
            AsymmetricCommand::GetPublicKey(k) => (&k.grant.grant_tokens, false),
            AsymmetricCommand::Sign(a) | AsymmetricCommand::Verify { sign: a, .. } => {
                (&a.grant.grant_tokens, a.dry.dry_run)
            }
            AsymmetricCommand::GenerateMac(a)
            | AsymmetricCommand::VerifyMac { mac_args: a, .. } => {
                (&a.grant.grant_tokens, a.dry.dry_run)
            }
            AsymmetricCommand::DeriveSharedSecret { grant, dry, .. } => {
                (&grant.grant_tokens, dry.dry_run)
            }
            AsymmetricCommand::GenerateDataKeyPair(a)
            | AsymmetricCommand::GenerateDataKeyPairWithoutPlaintext(a) => {
                (&a.grant.grant_tokens, a.dry.dry_run)
            }
        }
    }

    /// The core operation the command performs.
    pub fn operation(&self) -> Operation {
        match self {
            AsymmetricCommand::GetPublicKey(_) => Operation::GetPublicKey,
            AsymmetricCommand::Sign(_) => Operation::Sign,
            AsymmetricCommand::Verify { .. } => Operation::Verify,
            AsymmetricCommand::GenerateMac(_) => Operation::GenerateMac,
            AsymmetricCommand::VerifyMac { .. } => Operation::VerifyMac,
            AsymmetricCommand::DeriveSharedSecret { .. } => Operation::DeriveSharedSecret,
            AsymmetricCommand::GenerateDataKeyPair(_) => Operation::GenerateDataKeyPair,
            AsymmetricCommand::GenerateDataKeyPairWithoutPlaintext(_) => {
                Operation::GenerateDataKeyPairWithoutPlaintext
            }
        }
    }

    /// Runs the command on `ks`; the document to print, in botocore's member order.
    pub fn run(&self, ks: &Keystore) -> CliResult<Doc> {
        Ok(match self {
            AsymmetricCommand::GetPublicKey(k) => {
                let p = ks.get_public_key(&k.key_id)?;
                let mut o = obj!["KeyId" => &p.key_id, "PublicKey" => b64(&p.public_key)];
                if let Some(c) = p.customer_master_key_spec {
                    o.push("CustomerMasterKeySpec", c.as_str());
                }
                o.push("KeySpec", p.key_spec.as_str());
                o.push("KeyUsage", p.key_usage.as_str());
                push_algorithms(
                    &mut o,
                    &p.encryption_algorithms,
                    &p.signing_algorithms,
                    &p.key_agreement_algorithms,
                );
                o
            }
            AsymmetricCommand::Sign(a) => {
                let (message, message_type, alg) = a.read()?;
                let s = ks.sign(&a.key_id, &message, message_type, alg)?;
                obj![
                    "KeyId" => &s.key_id,
                    "Signature" => b64(&s.signature),
                    "SigningAlgorithm" => s.signing_algorithm.as_str(),
                ]
            }
            AsymmetricCommand::Verify { sign, signature } => {
                let (message, message_type, alg) = sign.read()?;
                let signature = blob("signature", signature)?;
                let v = ks.verify(&sign.key_id, &message, message_type, &signature, alg)?;
                obj![
                    "KeyId" => &v.key_id,
                    "SignatureValid" => v.signature_valid,
                    "SigningAlgorithm" => v.signing_algorithm.as_str(),
                ]
            }
            AsymmetricCommand::GenerateMac(a) => {
                let message = blob("message", &a.message)?;
                let m = ks.generate_mac(&a.key_id, &message, parsed(&a.mac_algorithm)?)?;
                obj![
                    "Mac" => b64(&m.mac),
                    "MacAlgorithm" => m.mac_algorithm.as_str(),
                    "KeyId" => &m.key_id,
                ]
            }
            AsymmetricCommand::VerifyMac { mac_args: a, mac } => {
                let message = blob("message", &a.message)?;
                let mac = blob("mac", mac)?;
                let v = ks.verify_mac(&a.key_id, &message, parsed(&a.mac_algorithm)?, &mac)?;
                obj![
                    "KeyId" => &v.key_id,
                    "MacValid" => v.mac_valid,
                    "MacAlgorithm" => v.mac_algorithm.as_str(),
                ]
            }
            AsymmetricCommand::DeriveSharedSecret {
                key_id,
                key_agreement_algorithm,
                public_key,
                ..
            } => {
                let peer = blob("public-key", public_key)?;
                let s = ks.derive_shared_secret(key_id, parsed(key_agreement_algorithm)?, &peer)?;
                obj![
                    "KeyId" => &s.key_id,
                    "SharedSecret" => b64(s.shared_secret.as_bytes()),
                    "KeyAgreementAlgorithm" => s.key_agreement_algorithm.as_str(),
                    "KeyOrigin" => s.key_origin.as_str(),
                ]
            }
            AsymmetricCommand::GenerateDataKeyPair(a) => {
                let ctx = context("encryption-context", a.encryption_context.as_deref())?;
                let p =
                    ks.generate_data_key_pair(&a.key_id, ctx.as_ref(), parsed(&a.key_pair_spec)?)?;
                obj![
                    "PrivateKeyCiphertextBlob" => b64(&p.private_key_ciphertext_blob),
                    "PrivateKeyPlaintext" => b64(p.private_key_plaintext.as_bytes()),
                    "PublicKey" => b64(&p.public_key),
                    "KeyId" => &p.key_id,
                    "KeyPairSpec" => p.key_pair_spec.as_str(),
                    "KeyMaterialId" => p.key_material_id.as_str(),
                ]
            }
            AsymmetricCommand::GenerateDataKeyPairWithoutPlaintext(a) => {
                let ctx = context("encryption-context", a.encryption_context.as_deref())?;
                let spec = parsed(&a.key_pair_spec)?;
                let p =
                    ks.generate_data_key_pair_without_plaintext(&a.key_id, ctx.as_ref(), spec)?;
                obj![
                    "PrivateKeyCiphertextBlob" => b64(&p.private_key_ciphertext_blob),
                    "PublicKey" => b64(&p.public_key),
                    "KeyId" => &p.key_id,
                    "KeyPairSpec" => p.key_pair_spec.as_str(),
                    "KeyMaterialId" => p.key_material_id.as_str(),
                ]
            }
        })
    }
}
