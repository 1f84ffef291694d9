//! The command line's grammar: global options and one subcommand per AWS KMS operation, with
//! the AWS CLI's command and flag names and an example in every `--help`.

use crate::input::BinaryFormat;
use crate::output::Format;
use crate::paginate::KmsPaging;
use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;
use std::path::PathBuf;

/// strongroom: an offline key management service in one file, with the AWS KMS CLI's commands.
#[derive(Debug, Parser)]
#[command(
    name = "strongroom",
    version,
    after_help = "Examples:\n  strongroom init\n  strongroom create-key --description \"app secrets\"\n  \
strongroom encrypt --key-id alias/app --plaintext fileb://secret.txt --output text --query CiphertextBlob\n  \
strongroom secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text\n\n\
The AWS CLI's service prefixes work too: `strongroom kms encrypt ...` is `strongroom encrypt ...`.\n\
Keystore: --keystore, else STRONGROOM_KEYSTORE, else the per-user default path (see docs/cli.md).\n\
Passphrase: STRONGROOM_PASSPHRASE, else --passphrase-file, else a prompt on the terminal.\n\
Client mode: --endpoint-url URL (or STRONGROOM_ENDPOINT_URL) talks to `strongroom serve` instead of the file.\n\
Exit codes: 0 ok, 2 usage, 9 no keystore, 10 NotFound .. 34 EncryptionFailure (SPEC error classes, see docs/cli.md).\n\
Errors print as the AWS CLI prints them: An error occurred (CODE) when calling the OP operation: ..."
)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: Global,
    /// The operation to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct Global {
    /// Keystore file [default: per-user data dir, see docs/cli.md]
    #[arg(long, global = true, env = "STRONGROOM_KEYSTORE", value_name = "PATH")]
    pub keystore: Option<PathBuf>,
    /// Read the passphrase from this file (first line) instead of STRONGROOM_PASSPHRASE or a prompt
    #[arg(long, global = true, value_name = "PATH")]
    pub passphrase_file: Option<PathBuf>,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Json)]
    pub output: Format,
    /// JMESPath expression applied to the result before printing, as in the AWS CLI
    #[arg(long, global = true, value_name = "JMESPATH")]
    pub query: Option<String>,
    /// The Region of the keystore's AWS-form ARNs (arn:aws:kms:REGION:ACCOUNT:...), which `serve` presents and every command accepts [default: us-east-1]; with --endpoint-url, the Region signed into the request [default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1]
    #[arg(long, global = true, env = "STRONGROOM_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// The 12-digit account of the keystore's AWS-form ARNs, as --region [default: 111122223333]
    #[arg(
        long,
        global = true,
        env = "STRONGROOM_ACCOUNT_ID",
        value_name = "ACCOUNT"
    )]
    pub account_id: Option<String>,
    /// With --endpoint-url: sign with this profile's access key (~/.aws/credentials, AWS_SHARED_CREDENTIALS_FILE); no effect on a keystore file
    #[arg(long, global = true, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Talk to `strongroom serve` at this URL instead of opening a keystore file (client mode; see docs/cli.md)
    #[arg(
        long,
        global = true,
        env = "STRONGROOM_ENDPOINT_URL",
        value_name = "URL"
    )]
    pub endpoint_url: Option<String>,
    /// With an https --endpoint-url: trust the certificates in this PEM file instead of the system's
    #[arg(long, global = true, env = "AWS_CA_BUNDLE", value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,
    /// With an https --endpoint-url: do not verify the server's certificate (insecure; prints a warning)
    #[arg(long, global = true)]
    pub no_verify_ssl: bool,
    /// List commands: one call, printing the service's NextMarker / NextToken (otherwise every page is fetched, or --max-items)
    #[arg(long, global = true)]
    pub no_paginate: bool,
    /// How a literal binary parameter is read: base64 (the default, as AWS CLI v2) or raw-in-base64-out (the text's own bytes)
    #[arg(long, global = true, value_enum, default_value_t = BinaryFormat::Base64)]
    pub cli_binary_format: BinaryFormat,
    /// AWS CLI option, accepted; no effect (strongroom never pages its output)
    #[arg(long, global = true)]
    pub no_cli_pager: bool,
    /// Print what the command does on standard error (keystore, operation, the SPEC error class on failure)
    #[arg(long, global = true)]
    pub debug: bool,
    /// TESTS ONLY: create throwaway keystores with a fast, insecure Argon2id cost and accept them on open
    #[arg(
        long,
        global = true,
        env = "STRONGROOM_INSECURE_TEST_KDF",
        value_parser = clap::builder::FalseyValueParser::new(),
        hide_env_values = true
    )]
    pub insecure_test_kdf: bool,
}

/// A `--key-id` that accepts a key id, key ARN, alias name or alias ARN.
#[derive(Debug, Args)]
pub struct KeyIdArg {
    /// Key id, key ARN, alias name (alias/...) or alias ARN
    #[arg(long, value_name = "KEY")]
    pub key_id: String,
}

/// `--grant-tokens`, as the AWS CLI's: checked on every surface (a token that names no grant is
/// InvalidGrantTokenException, exit 31).
#[derive(Debug, Args, Default)]
pub struct GrantTokensArg {
    /// Grant tokens (from create-grant), each naming a grant that exists
    #[arg(long, num_args = 1.., value_name = "TOKEN")]
    pub grant_tokens: Vec<String>,
}

/// `--dry-run` / `--no-dry-run`, as the AWS CLI's (AWS KMS's `DryRun`).
#[derive(Debug, Args, Default)]
pub struct DryRunArg {
    /// Check the request completely and change nothing: DryRunOperationException (exit 32) if it would have succeeded, its real error otherwise
    #[arg(long, overrides_with = "no_dry_run")]
    pub dry_run: bool,
    /// Run the request (the default)
    #[arg(long, overrides_with = "dry_run")]
    pub no_dry_run: bool,
}

/// A `--key-id` with `--grant-tokens` (describe-key, get-public-key).
#[derive(Debug, Args)]
pub struct KeyIdTokensArg {
    /// Key id, key ARN, alias name (alias/...) or alias ARN
    #[arg(long, value_name = "KEY")]
    pub key_id: String,
    /// Grant tokens
    #[command(flatten)]
    pub grant: GrantTokensArg,
}

/// Options of the data-key commands.
#[derive(Debug, Args)]
pub struct DataKeyArgs {
    /// Key id, key ARN, alias name (alias/...) or alias ARN
    #[arg(long, value_name = "KEY")]
    pub key_id: String,
    /// AES_256 or AES_128 (default AES_256 when --number-of-bytes is not given)
    #[arg(long, value_name = "SPEC")]
    pub key_spec: Option<String>,
    /// Length of the data key in bytes (1-1024)
    #[arg(long, value_name = "N")]
    pub number_of_bytes: Option<u32>,
    /// Encryption context: k=v,k2=v2 or a JSON object (or file://PATH)
    #[arg(long, value_name = "CONTEXT")]
    pub encryption_context: Option<String>,
    /// Grant tokens
    #[command(flatten)]
    pub grant: GrantTokensArg,
    /// --dry-run / --no-dry-run
    #[command(flatten)]
    pub dry: DryRunArg,
}

/// Options of `encrypt-file` and `decrypt-file`.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// Input file, or - for standard input
    #[arg(default_value = "-", value_name = "INPUT")]
    pub input: String,
    /// Output file, or - for standard output (refused when it is a terminal)
    #[arg(default_value = "-", value_name = "OUTPUT")]
    pub output_file: String,
    /// Encryption context bound to the file's data key: k=v,k2=v2 or JSON; needed again to decrypt
    #[arg(long, value_name = "CONTEXT")]
    pub encryption_context: Option<String>,
    /// Overwrite OUTPUT if it exists
    #[arg(long)]
    pub force: bool,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new keystore file (asks for the passphrase twice on a terminal)
    #[command(after_help = "Example:\n  strongroom --keystore ~/vault.strongroom init")]
    Init,
    /// Create a KMS key (symmetric, RSA, ECC, Ed25519, ML-DSA or HMAC) and print its KeyMetadata
    #[command(
        after_help = "Examples:\n  strongroom create-key --description \"backup key\" --query KeyMetadata.KeyId --output text\n  \
strongroom create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --query KeyMetadata.KeyId --output text\n  \
strongroom create-key --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC"
    )]
    CreateKey {
        /// Description (0-8192 characters; file://PATH reads it from a file)
        #[arg(long, default_value = "")]
        description: String,
        /// Key spec [default: SYMMETRIC_DEFAULT]: RSA_2048/3072/4096, ECC_NIST_P256/P384/P521, ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, ML_DSA_44/65/87, HMAC_224/256/384/512 (docs/key-types.md)
        #[arg(long)]
        key_spec: Option<String>,
        /// Deprecated name of --key-spec (AWS's CustomerMasterKeySpec)
        #[arg(long, conflicts_with = "key_spec")]
        customer_master_key_spec: Option<String>,
        /// ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT (default: the spec's usage; ECC_NIST_* keys need it)
        #[arg(long)]
        key_usage: Option<String>,
        /// Origin: AWS_KMS (generated inside) or EXTERNAL (imported material)
        #[arg(long)]
        origin: Option<String>,
        /// Key policy (AWS's JSON policy document; file://PATH reads it from a file)
        #[arg(long)]
        policy: Option<String>,
        /// Accept a policy that would let no principal change it again
        #[arg(long)]
        bypass_policy_lockout_safety_check: bool,
        /// Tags: TagKey=K,TagValue=V ... (one per argument), or a JSON list of {"TagKey","TagValue"}
        #[arg(long, num_args = 1.., value_name = "TAG")]
        tags: Vec<String>,
    },
    /// Replace a key's description (not while it is pending deletion)
    #[command(
        after_help = "Example:\n  strongroom update-key-description --key-id alias/app --description \"payments, 2026\""
    )]
    UpdateKeyDescription {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// The new description (0-8192 characters; file://PATH reads it from a file)
        #[arg(long)]
        description: String,
    },
    /// Add tags to a key, replacing the value of a tag key it already has
    #[command(
        after_help = "Example:\n  strongroom tag-resource --key-id alias/app --tags TagKey=Team,TagValue=payments TagKey=Env,TagValue=prod"
    )]
    TagResource {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// Tags: TagKey=K,TagValue=V ... (one per argument), or a JSON list of {"TagKey","TagValue"}
        #[arg(long, num_args = 1.., required = true, value_name = "TAG")]
        tags: Vec<String>,
    },
    /// Remove tags from a key by tag key (a tag key the key lacks is not an error)
    #[command(
        after_help = "Example:\n  strongroom untag-resource --key-id alias/app --tag-keys Team Env"
    )]
    UntagResource {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// Tag keys to remove
        #[arg(long, num_args = 1.., required = true, value_name = "TAG_KEY")]
        tag_keys: Vec<String>,
    },
    /// List a key's tags, ordered by tag key
    #[command(
        after_help = "Example:\n  strongroom list-resource-tags --key-id alias/app --output table"
    )]
    ListResourceTags {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// Pagination: --max-items, --starting-token, --page-size (1-50), or one call with --limit / --marker
        #[command(flatten)]
        paging: KmsPaging,
    },
    /// When and by which cryptographic operation a key was last used
    #[command(after_help = "Example:\n  strongroom get-key-last-usage --key-id alias/app")]
    GetKeyLastUsage(KeyIdArg),
    /// Print a key's metadata
    #[command(after_help = "Example:\n  strongroom describe-key --key-id alias/app")]
    DescribeKey(KeyIdTokensArg),
    /// List every key's id and ARN
    #[command(
        after_help = "Examples:\n  strongroom list-keys --query 'Keys[].KeyId' --output text\n  \
strongroom list-keys --max-items 10\n  strongroom list-keys --max-items 10 --starting-token TOKEN"
    )]
    ListKeys {
        /// Pagination: --max-items, --starting-token, --page-size (1-1000), or one call with --limit / --marker
        #[command(flatten)]
        paging: KmsPaging,
    },
    /// Enable a disabled key
    #[command(after_help = "Example:\n  strongroom enable-key --key-id alias/app")]
    EnableKey(KeyIdArg),
    /// Disable a key: it refuses cryptographic use until enabled
    #[command(after_help = "Example:\n  strongroom disable-key --key-id alias/app")]
    DisableKey(KeyIdArg),
    /// Create an alias (alias/NAME) for a key
    #[command(
        after_help = "Example:\n  strongroom create-alias --alias-name alias/app --target-key-id 1234abcd-12ab-34cd-56ef-1234567890ab"
    )]
    CreateAlias {
        /// The alias name, alias/...
        #[arg(long)]
        alias_name: String,
        /// The key it points at
        #[arg(long)]
        target_key_id: String,
    },
    /// Point an existing alias at another key (manual rotation)
    #[command(
        after_help = "Example:\n  strongroom update-alias --alias-name alias/app --target-key-id alias/app-2026"
    )]
    UpdateAlias {
        /// The alias name, alias/...
        #[arg(long)]
        alias_name: String,
        /// The key it will point at
        #[arg(long)]
        target_key_id: String,
    },
    /// Delete an alias (the key stays)
    #[command(after_help = "Example:\n  strongroom delete-alias --alias-name alias/app")]
    DeleteAlias {
        /// The alias name, alias/...
        #[arg(long)]
        alias_name: String,
    },
    /// List aliases, optionally only those of one key
    #[command(
        after_help = "Example:\n  strongroom list-aliases --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"
    )]
    ListAliases {
        /// Only aliases that point at this key
        #[arg(long)]
        key_id: Option<String>,
        /// Pagination: --max-items, --starting-token, --page-size (1-100), or one call with --limit / --marker
        #[command(flatten)]
        paging: KmsPaging,
    },
    /// Encrypt up to 4096 bytes under a key
    #[command(
        after_help = "Example:\n  strongroom encrypt --key-id alias/app --plaintext fileb://secret.txt \\\n    --output text --query CiphertextBlob | base64 --decode > encryptedsecret.txt\n\n\
--plaintext: fileb://PATH (raw bytes), file://PATH (base64 text), - (raw stdin) or base64 text.\n\
RSA ENCRYPT_DECRYPT keys: --encryption-algorithm RSAES_OAEP_SHA_256 (decrypt with --key-id and the same algorithm)."
    )]
    Encrypt {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long)]
        key_id: String,
        /// The data: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
        #[arg(long)]
        plaintext: String,
        /// Encryption context: k=v,k2=v2 or a JSON object (or file://PATH)
        #[arg(long)]
        encryption_context: Option<String>,
        /// SYMMETRIC_DEFAULT (the default), or RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 with an RSA ENCRYPT_DECRYPT key (no context)
        #[arg(long)]
        encryption_algorithm: Option<String>,
        /// Grant tokens (each must name a grant that exists)
        #[command(flatten)]
        grant: GrantTokensArg,
        /// --dry-run / --no-dry-run
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Decrypt a ciphertext blob (the key is read from the blob)
    #[command(
        after_help = "Example:\n  strongroom decrypt --ciphertext-blob fileb://encryptedsecret.txt \\\n    --output text --query Plaintext | base64 --decode"
    )]
    Decrypt {
        /// The blob: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
        #[arg(long)]
        ciphertext_blob: String,
        /// The encryption context given at encryption
        #[arg(long)]
        encryption_context: Option<String>,
        /// Refuse the blob unless it was made under this key
        #[arg(long)]
        key_id: Option<String>,
        /// SYMMETRIC_DEFAULT (the default), or RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 (needs --key-id: RSA ciphertext does not name its key)
        #[arg(long)]
        encryption_algorithm: Option<String>,
        /// Grant tokens (each must name a grant that exists)
        #[command(flatten)]
        grant: GrantTokensArg,
        /// --dry-run / --no-dry-run
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Decrypt a blob and encrypt it under another key, without the plaintext leaving the keystore
    #[command(
        after_help = "Examples:\n  strongroom re-encrypt --destination-key-id alias/new --ciphertext-blob fileb://encryptedsecret.txt\n  strongroom re-encrypt --ciphertext-blob fileb://rsa.bin --source-key-id alias/rsa --source-encryption-algorithm RSAES_OAEP_SHA_256 --destination-key-id alias/new"
    )]
    ReEncrypt {
        /// The blob: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
        #[arg(long)]
        ciphertext_blob: String,
        /// The key to encrypt under
        #[arg(long)]
        destination_key_id: String,
        /// The encryption context the blob was made with
        #[arg(long)]
        source_encryption_context: Option<String>,
        /// The encryption context for the new blob
        #[arg(long)]
        destination_encryption_context: Option<String>,
        /// Refuse the blob unless it was made under this key (required with an RSAES_OAEP_* source algorithm: RSA ciphertext does not name its key)
        #[arg(long)]
        source_key_id: Option<String>,
        /// SYMMETRIC_DEFAULT (the default: a blob), or RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 for RSA-OAEP ciphertext (needs --source-key-id; no source context)
        #[arg(long)]
        source_encryption_algorithm: Option<String>,
        /// SYMMETRIC_DEFAULT (the default), or RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 with an RSA ENCRYPT_DECRYPT destination key (no destination context; the plaintext within the key's OAEP limit)
        #[arg(long)]
        destination_encryption_algorithm: Option<String>,
        /// Grant tokens (each must name a grant that exists)
        #[command(flatten)]
        grant: GrantTokensArg,
        /// --dry-run / --no-dry-run
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Make a data key: plaintext and a copy encrypted under a KMS key
    #[command(
        after_help = "Example:\n  strongroom generate-data-key --key-id alias/app --key-spec AES_256"
    )]
    GenerateDataKey(DataKeyArgs),
    /// Make a data key and return only its encrypted copy
    #[command(
        after_help = "Example:\n  strongroom generate-data-key-without-plaintext --key-id alias/app --key-spec AES_128"
    )]
    GenerateDataKeyWithoutPlaintext(DataKeyArgs),
    /// Random bytes from the OS CSPRNG (base64 in Plaintext)
    #[command(
        after_help = "Example:\n  strongroom generate-random --number-of-bytes 32 --output text --query Plaintext"
    )]
    GenerateRandom {
        /// How many bytes (1-1024)
        #[arg(long)]
        number_of_bytes: u32,
    },
    /// Asymmetric and HMAC keys: public keys, signatures, MACs, key agreement, data key pairs
    #[command(flatten)]
    Asymmetric(crate::asymmetric::AsymmetricCommand),
    /// Turn on automatic rotation of a key (every 365 days unless given)
    #[command(
        after_help = "Example:\n  strongroom enable-key-rotation --key-id alias/app --rotation-period-in-days 180"
    )]
    EnableKeyRotation {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long)]
        key_id: String,
        /// Days between automatic rotations (90-2560, default 365)
        #[arg(long, value_name = "DAYS")]
        rotation_period_in_days: Option<u32>,
    },
    /// Turn off automatic rotation of a key
    #[command(after_help = "Example:\n  strongroom disable-key-rotation --key-id alias/app")]
    DisableKeyRotation(KeyIdArg),
    /// Whether and when a key rotates automatically
    #[command(after_help = "Example:\n  strongroom get-key-rotation-status --key-id alias/app")]
    GetKeyRotationStatus(KeyIdArg),
    /// Add a new backing-key version now (at most 25 per key); old ciphertexts still decrypt
    #[command(after_help = "Example:\n  strongroom rotate-key-on-demand --key-id alias/app")]
    RotateKeyOnDemand(KeyIdArg),
    /// List a key's rotations (or, with --include-key-material ALL_KEY_MATERIAL, every key material) with their ids, dates and types
    #[command(
        after_help = "Example:\n  strongroom list-key-rotations --key-id alias/app --query 'Rotations[].RotationDate'"
    )]
    ListKeyRotations {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long, value_name = "KEY")]
        key_id: String,
        /// ROTATIONS_ONLY (the default) or ALL_KEY_MATERIAL (the first material too)
        #[arg(long, value_name = "WHICH")]
        include_key_material: Option<String>,
        /// Pagination: --max-items, --starting-token, --page-size (1-1000), or one call with --limit / --marker
        #[command(flatten)]
        paging: KmsPaging,
    },
    /// Schedule a key's destruction after a waiting window (7-30 days, default 30)
    #[command(
        after_help = "Example:\n  strongroom schedule-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --pending-window-in-days 7"
    )]
    ScheduleKeyDeletion {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long)]
        key_id: String,
        /// Days before the key is destroyed (7-30, default 30)
        #[arg(long, value_name = "DAYS")]
        pending_window_in_days: Option<u32>,
        /// Do not ask for confirmation on a terminal when the key was used recently
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Cancel a scheduled deletion; the key comes back Disabled
    #[command(
        after_help = "Example:\n  strongroom cancel-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"
    )]
    CancelKeyDeletion(KeyIdArg),
    /// Get an RSA wrapping public key and an import token for an EXTERNAL key (valid 24 hours)
    #[command(
        after_help = "Example:\n  strongroom get-parameters-for-import --key-id K --wrapping-algorithm RSAES_OAEP_SHA_256 \\\n    --wrapping-key-spec RSA_2048 --query PublicKey --output text | base64 --decode > WrappingPublicKey.bin"
    )]
    GetParametersForImport {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long)]
        key_id: String,
        /// RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSA_AES_KEY_WRAP_SHA_256 or
        /// RSA_AES_KEY_WRAP_SHA_1 (RSA keys need an RSA_AES_KEY_WRAP algorithm)
        #[arg(long)]
        wrapping_algorithm: String,
        /// RSA_2048, RSA_3072 or RSA_4096
        #[arg(long)]
        wrapping_key_spec: String,
    },
    /// Import key material (32 bytes, an HMAC key, or a PKCS#8 DER private key) wrapped under the
    /// public key from get-parameters-for-import
    #[command(
        after_help = "Example:\n  strongroom import-key-material --key-id K --encrypted-key-material fileb://EncryptedKeyMaterial.bin \\\n    --import-token fileb://ImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE"
    )]
    ImportKeyMaterial {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long)]
        key_id: String,
        /// The token: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
        #[arg(long)]
        import_token: String,
        /// The wrapped material: fileb://PATH, file://PATH (base64), - (stdin) or base64 text
        #[arg(long)]
        encrypted_key_material: String,
        /// KEY_MATERIAL_EXPIRES (needs --valid-to) or KEY_MATERIAL_DOES_NOT_EXPIRE [default: KEY_MATERIAL_EXPIRES, as in AWS KMS]
        #[arg(long, value_name = "MODEL")]
        expiration_model: Option<String>,
        /// When the material expires (RFC 3339, e.g. 2027-01-31T00:00:00Z)
        #[arg(long, value_name = "TIME")]
        valid_to: Option<String>,
        /// NEW_KEY_MATERIAL (the key's first) or EXISTING_KEY_MATERIAL (the material it already had) [default: by the key's history]
        #[arg(long, value_name = "TYPE")]
        import_type: Option<String>,
        /// With EXISTING_KEY_MATERIAL: the id of the key's material (list-key-rotations --include-key-material ALL_KEY_MATERIAL)
        #[arg(long, value_name = "ID")]
        key_material_id: Option<String>,
        /// A description of the material (1 to 256 letters, digits, spaces and : / _ . -), which list-key-rotations shows [default: the one an earlier import gave]
        #[arg(long, value_name = "TEXT")]
        key_material_description: Option<String>,
    },
    /// Delete a key's imported material; the key becomes PendingImport until it is imported again
    #[command(after_help = "Example:\n  strongroom delete-imported-key-material --key-id K")]
    DeleteImportedKeyMaterial(KeyIdArg),
    /// The audit trail: list events, export them as JSON Lines, verify the hash chain
    #[command(
        subcommand,
        after_help = "Examples:\n  strongroom audit list --key-id alias/app --operation Decrypt\n  \
strongroom audit export --start-time 2026-11-01T00:00:00Z audit.jsonl\n  strongroom audit verify"
    )]
    Audit(AuditCommand),
    /// Key policies and grants
    #[command(flatten)]
    Access(crate::access::AccessCommand),
    /// Users and access keys that sign requests to `strongroom serve`, with the AWS CLI's `aws iam` names and shapes
    #[command(
        subcommand,
        after_help = "Examples:\n  strongroom iam create-user --user-name ci\n  \
(umask 077; strongroom iam create-access-key --user-name ci > ci-key.json)\n  strongroom iam list-access-keys"
    )]
    Iam(crate::iam::IamCommand),
    /// Change the keystore passphrase (new one from STRONGROOM_NEW_PASSPHRASE, --new-passphrase-file or a prompt)
    #[command(
        after_help = "Example:\n  STRONGROOM_PASSPHRASE=old STRONGROOM_NEW_PASSPHRASE=new strongroom change-passphrase"
    )]
    ChangePassphrase {
        /// Read the new passphrase from this file (first line)
        #[arg(long, value_name = "PATH")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Encrypt a file or stream of any size under a fresh data key (see docs/STREAM-FORMAT.md)
    #[command(
        after_help = "Examples:\n  strongroom encrypt-file --key-id alias/backup backup.tar backup.tar.sr\n  \
tar c /srv | strongroom encrypt-file --key-id alias/backup > srv.tar.sr"
    )]
    EncryptFile {
        /// Key id, key ARN, alias name (alias/...) or alias ARN
        #[arg(long)]
        key_id: String,
        /// Input, output and context
        #[command(flatten)]
        file: FileArgs,
    },
    /// Decrypt a file made by encrypt-file; a truncated, reordered or modified file is refused
    #[command(
        after_help = "Examples:\n  strongroom decrypt-file backup.tar.sr backup.tar\n  \
strongroom decrypt-file srv.tar.sr | tar x"
    )]
    DecryptFile {
        /// Refuse the file unless its data key is under this key
        #[arg(long)]
        key_id: Option<String>,
        /// Input, output and context
        #[command(flatten)]
        file: FileArgs,
    },
    /// A guided walkthrough on a scratch keystore in a temporary directory
    #[command(after_help = "Example:\n  strongroom quickstart")]
    Quickstart,
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  strongroom completion bash > /etc/bash_completion.d/strongroom"
    )]
    Completion {
        /// The shell
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Create keys with fixed ids and given material, and aliases, from a YAML or JSON file;
    /// keys and aliases that exist are left untouched (docs/seed.md)
    #[command(after_help = "Example:\n  strongroom seed fixtures/kms-seed.yaml")]
    Seed {
        /// The seed file (YAML or JSON; strongroom's layout or local-kms's)
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Serve the keystore over AWS KMS's JSON protocol for AWS SDKs and the AWS CLI (docs/server.md)
    #[command(
        after_help = "Example:\n  strongroom serve --listen 127.0.0.1:4599 --unauthenticated\n  \
aws --endpoint-url http://127.0.0.1:4599 kms list-keys"
    )]
    Serve(crate::serve::ServeArgs),
    /// AWS Secrets Manager's commands: named, versioned secrets encrypted under a KMS key
    /// (docs/secrets.md)
    #[command(
        subcommand,
        after_help = "Example:\n  strongroom secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text"
    )]
    Secretsmanager(crate::secrets::SecretsCommand),
}

/// The AWS CLI's service prefix `kms` in front of a command: `strongroom kms encrypt ...` is
/// `strongroom encrypt ...`. The first word of `args` that is neither a global option nor its
/// value is dropped if it is `kms` (the options that take a value are clap's own list, so the two
/// never drift apart).
pub fn without_kms_prefix(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let takes_value: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.get_action().takes_values())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    let mut i = 1;
    while let Some(a) = args.get(i).and_then(|a| a.to_str()) {
        if takes_value.iter().any(|t| t == a) {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    let mut args = args;
    if args.get(i).is_some_and(|a| a == "kms") {
        args.remove(i);
    }
    args
}

/// Filters shared by `audit list` and `audit export`.
#[derive(Debug, Args)]
pub struct AuditFilterArgs {
    /// Only events about this key (id, ARN, alias name or alias ARN)
    #[arg(long)]
    pub key_id: Option<String>,
    /// Only this operation (AWS KMS name: Encrypt, Decrypt, CreateKey, ...)
    #[arg(long)]
    pub operation: Option<String>,
    /// Only this outcome: ok or an error name (Disabled, InvalidState, ...)
    #[arg(long)]
    pub outcome: Option<String>,
    /// Only events at or after this time (RFC 3339, e.g. 2026-11-01T00:00:00Z)
    #[arg(long, value_name = "TIME")]
    pub start_time: Option<String>,
    /// Only events at or before this time (RFC 3339)
    #[arg(long, value_name = "TIME")]
    pub end_time: Option<String>,
}

/// The `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Print matching events, oldest first
    #[command(
        after_help = "Example:\n  strongroom audit list --outcome InvalidState --query 'Events[].[EventTime,Operation,KeyId]' --output text"
    )]
    List(AuditFilterArgs),
    /// Write matching events as JSON Lines (SPEC section 8's fields) to OUTPUT or standard output
    #[command(after_help = "Example:\n  strongroom audit export --key-id alias/app audit.jsonl")]
    Export {
        /// Filters
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// Output file, or - for standard output
        #[arg(default_value = "-", value_name = "OUTPUT")]
        output_file: String,
        /// Overwrite OUTPUT if it exists
        #[arg(long)]
        force: bool,
    },
    /// Verify the trail's hash chain and signature; prints the number of events verified
    #[command(after_help = "Example:\n  strongroom audit verify")]
    Verify,
}

impl Command {
    /// The command's `--grant-tokens` and whether it is a `--dry-run` (both empty for commands
    /// whose AWS CLI counterpart has neither).
    pub fn call_flags(&self) -> (&[String], bool) {
        match self {
            Command::DescribeKey(k) => (&k.grant.grant_tokens, false),
            Command::Encrypt { grant, dry, .. }
            | Command::Decrypt { grant, dry, .. }
            | Command::ReEncrypt { grant, dry, .. } => (&grant.grant_tokens, dry.dry_run),
            Command::GenerateDataKey(a) | Command::GenerateDataKeyWithoutPlaintext(a) => {
                (&a.grant.grant_tokens, a.dry.dry_run)
            }
            Command::Access(a) => a.call_flags(),
            Command::Asymmetric(a) => a.call_flags(),
            _ => (&[], false),
        }
    }

    /// The operation named in an error line (`... when calling the Encrypt operation`): the
    /// core's [`Operation`](strongroom::Operation) the command performs, by its AWS name; commands
    /// AWS KMS has no operation for are named in the same style after the command.
    pub fn operation(&self) -> &'static str {
        use strongroom::Operation as O;
        let op = match self {
            Command::Init => O::CreateKeystore,
            Command::ChangePassphrase { .. } => O::ChangePassphrase,
            Command::CreateKey { .. } => O::CreateKey,
            Command::DescribeKey(_) => O::DescribeKey,
            Command::UpdateKeyDescription { .. } => O::UpdateKeyDescription,
            Command::TagResource { .. } => O::TagResource,
            Command::UntagResource { .. } => O::UntagResource,
            Command::ListResourceTags { .. } => O::ListResourceTags,
            Command::GetKeyLastUsage(_) => O::GetKeyLastUsage,
            Command::ListKeys { .. } => O::ListKeys,
            Command::EnableKey(_) => O::EnableKey,
            Command::DisableKey(_) => O::DisableKey,
            Command::CreateAlias { .. } => O::CreateAlias,
            Command::UpdateAlias { .. } => O::UpdateAlias,
            Command::DeleteAlias { .. } => O::DeleteAlias,
            Command::ListAliases { .. } => O::ListAliases,
            Command::Encrypt { .. } => O::Encrypt,
            Command::Decrypt { .. } => O::Decrypt,
            Command::ReEncrypt { .. } => O::ReEncrypt,
            Command::GenerateDataKey(_) => O::GenerateDataKey,
            Command::GenerateDataKeyWithoutPlaintext(_) => O::GenerateDataKeyWithoutPlaintext,
            Command::GenerateRandom { .. } => O::GenerateRandom,
            Command::EnableKeyRotation { .. } => O::EnableKeyRotation,
            Command::DisableKeyRotation(_) => O::DisableKeyRotation,
            Command::GetKeyRotationStatus(_) => O::GetKeyRotationStatus,
            Command::RotateKeyOnDemand(_) => O::RotateKeyOnDemand,
            Command::ListKeyRotations { .. } => O::ListKeyRotations,
            Command::ScheduleKeyDeletion { .. } => O::ScheduleKeyDeletion,
            Command::CancelKeyDeletion(_) => O::CancelKeyDeletion,
            Command::GetParametersForImport { .. } => O::GetParametersForImport,
            Command::ImportKeyMaterial { .. } => O::ImportKeyMaterial,
            Command::DeleteImportedKeyMaterial(_) => O::DeleteImportedKeyMaterial,
            Command::Audit(AuditCommand::List(_)) => return "AuditList",
            Command::Audit(AuditCommand::Export { .. }) => return "AuditExport",
            Command::Audit(AuditCommand::Verify) => return "AuditVerify",
            Command::Iam(c) => c.operation(),
            Command::EncryptFile { .. } => return "EncryptFile",
            Command::DecryptFile { .. } => return "DecryptFile",
            Command::Quickstart => return "Quickstart",
            Command::Completion { .. } => return "Completion",
            Command::Serve(_) => return "Serve",
            Command::Seed { .. } => return "Seed",
            Command::Secretsmanager(c) => c.operation(),
            Command::Access(a) => a.operation(),
            Command::Asymmetric(a) => a.operation(),
        };
        op.as_str()
    }
}
