//! One function per command: parse the inputs, call the core, shape the result with the AWS
//! field names. No rule lives here; the core checks every bound and state.

use crate::args::{Cli, Command, DataKeyArgs};
use crate::errors::{CliError, CliResult};
use crate::input::{blob, context, tags, text, time};
use crate::obj;
use crate::output::{Doc, date};
use crate::paginate::{
    KmsPaging, LIST_ALIASES, LIST_KEY_ROTATIONS, LIST_KEYS, LIST_RESOURCE_TAGS, Lister, paginate,
};
use crate::{audit, file_crypt, iam, last_usage, quickstart, seed, serve, unlock};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use strongroom::{
    CreateKey, DEFAULT_PENDING_WINDOW_DAYS, DataKeySpec, EncryptionAlgorithm, IncludeKeyMaterial,
    KeyAgreementAlgorithm, KeyMetadata, KeyState, Keystore, Page, PageRequest, ReEncryptAlgorithms,
    RotationType, RotationsListEntry, SigningAlgorithm,
};
use strongroom_server::protocol::model;

/// A KMS list, paged as the AWS CLI pages ([`paginate`]): `page` makes one call of the core's
/// page function.
pub(crate) fn list(
    lister: &Lister,
    paging: &KmsPaging,
    no_paginate: bool,
    mut page: impl FnMut(PageRequest) -> CliResult<Doc>,
) -> CliResult<Doc> {
    paginate(
        lister,
        &paging.pagination,
        no_paginate,
        (paging.limit, paging.marker.clone()),
        |limit, marker| page(PageRequest { limit, marker }),
    )
}

/// One page of a KMS list as AWS answers it: the list under `key`, `NextMarker` when truncated,
/// `Truncated`.
pub(crate) fn page_doc<T>(p: Page<T>, key: &str, item: impl FnMut(&T) -> Doc) -> Doc {
    let items: Vec<Doc> = p.items.iter().map(item).collect();
    let mut o = obj![key => items];
    if let Some(m) = &p.next_marker {
        o.push("NextMarker", m.as_str());
    }
    o.push("Truncated", p.truncated);
    o
}

/// Runs the parsed command; returns the value to print (`None` for commands that print nothing).
pub fn run(cli: &Cli) -> CliResult<Option<Doc>> {
    let g = &cli.global;
    if let Some(url) = &g.endpoint_url {
        return crate::client::run(cli, url);
    }
    match &cli.command {
        Command::Init => {
            let ks = unlock::create(g)?;
            let out = obj![
                "KeystoreId" => json!(ks.keystore_id()),
                "Path" => ks.path().display().to_string(),
            ];
            ks.close()?;
            Ok(Some(out))
        }
        Command::Quickstart => quickstart::run().map(|()| None),
        Command::Serve(a) => serve::run(g, a).map(|()| None),
        Command::Completion { .. } => Err(CliError::BadInput(
            "completion needs no keystore and is handled before one is opened".into(),
        )),
        Command::ChangePassphrase {
            new_passphrase_file,
        } => {
            let (ks, old) = unlock::open_with_passphrase(g)?;
            let new = unlock::new_passphrase(new_passphrase_file.as_deref())?;
            ks.change_passphrase(&old, &new)?;
            ks.close()?;
            Ok(None)
        }
        Command::Secretsmanager(crate::secrets::SecretsCommand::Exec(a)) => {
            let ks = unlock::open(g)?;
            let vars = crate::secrets::exec_environment(a, |id, stage| {
                crate::secrets::exec_secret(&ks, id, stage)
            });
            ks.close()?;
            Err(crate::secrets::exec(a, &vars?))
        }
        other => {
            let ks = unlock::open(g)?;
            let (grant_tokens, dry_run) = other.call_flags();
            let result = ks
                .check_grant_tokens(grant_tokens)
                .map_err(CliError::from)
                .and_then(|()| {
                    if dry_run {
                        ks.dry_run(|| with_keystore(&ks, other, g.no_paginate))
                    } else {
                        with_keystore(&ks, other, g.no_paginate)
                    }
                });
            let closed = ks.close();
            let value = result?;
            closed?;
            Ok(value)
        }
    }
}

/// `KeyMetadata` with the AWS field names, in botocore's member order.
pub fn key_metadata(m: &KeyMetadata) -> Doc {
    let mut o = obj![];
    o.push("AWSAccountId", json!(m.aws_account_id));
    o.push("KeyId", json!(m.key_id));
    o.push("Arn", json!(m.arn));
    o.push("CreationDate", date(m.creation_date));
    o.push("Enabled", json!(m.enabled));
    o.push("Description", json!(m.description));
    o.push("KeyUsage", json!(m.key_usage.as_str()));
    o.push("KeyState", json!(m.key_state.as_str()));
    if let Some(d) = m.deletion_date {
        o.push("DeletionDate", date(d));
    }
    if let Some(v) = m.valid_to {
        o.push("ValidTo", date(v));
    }
    o.push("Origin", json!(m.origin.as_str()));
    if let Some(e) = m.expiration_model {
        o.push("ExpirationModel", json!(e.as_str()));
    }
    o.push("KeyManager", json!(m.key_manager.as_str()));
    if let Some(c) = m.customer_master_key_spec {
        o.push("CustomerMasterKeySpec", json!(c.as_str()));
    }
    o.push("KeySpec", json!(m.key_spec.as_str()));
    push_algorithms(
        &mut o,
        &m.encryption_algorithms,
        &m.signing_algorithms,
        &m.key_agreement_algorithms,
    );
    o.push("MultiRegion", json!(m.multi_region));
    if !m.mac_algorithms.is_empty() {
        o.push("MacAlgorithms", json!(names_of(&m.mac_algorithms)));
    }
    if let Some(id) = m.current_key_material_id {
        o.push("CurrentKeyMaterialId", json!(id.as_str()));
    }
    o
}

/// The non-empty algorithm lists of a key, in botocore's order (`KeyMetadata`, `GetPublicKey`).
pub(crate) fn push_algorithms(
    o: &mut Doc,
    encryption: &[EncryptionAlgorithm],
    signing: &[SigningAlgorithm],
    key_agreement: &[KeyAgreementAlgorithm],
) {
    for (member, list) in [
        ("EncryptionAlgorithms", names_of(encryption)),
        ("SigningAlgorithms", names_of(signing)),
        ("KeyAgreementAlgorithms", names_of(key_agreement)),
    ] {
        if !list.is_empty() {
            o.push(member, json!(list));
        }
    }
}

/// The AWS names of an algorithm list.
fn names_of<T: std::fmt::Display>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// A `RotationsListEntry` in botocore's member order; the first material has neither
/// `RotationDate` nor `RotationType`, as AWS lists it.
fn rotation_entry(r: &RotationsListEntry) -> Doc {
    let mut o = obj!["KeyId" => &r.key_id, "KeyMaterialId" => r.key_material_id.as_str()];
    if let Some(d) = &r.key_material_description {
        o.push("KeyMaterialDescription", json!(d));
    }
    if let Some(s) = r.import_state {
        o.push("ImportState", json!(s.as_str()));
    }
    o.push("KeyMaterialState", json!(r.key_material_state.as_str()));
    if let Some(e) = r.expiration_model {
        o.push("ExpirationModel", json!(e.as_str()));
    }
    if let Some(v) = r.valid_to {
        o.push("ValidTo", date(v));
    }
    if r.rotation_type != RotationType::Initial {
        o.push("RotationDate", date(r.rotation_date));
        o.push("RotationType", json!(r.rotation_type.as_str()));
    }
    o
}

pub(crate) fn b64(bytes: &[u8]) -> Value {
    Value::String(BASE64.encode(bytes))
}

/// A name read by the core's parser (`Validation` listing the valid names).
pub(crate) fn parsed<T: std::str::FromStr<Err = strongroom::Error>>(v: &str) -> CliResult<T> {
    Ok(v.parse::<T>()?)
}

/// As [`parsed`], but a name AWS KMS has that the core does not (`aws_names`, the server's table
/// of AWS's values: `SM2`, `ML_KEM_768`, ...) is `UnsupportedOperation`, as the server answers.
fn aws_name<T: std::str::FromStr<Err = strongroom::Error>>(
    member: &str,
    v: &str,
    aws_names: &[&str],
) -> CliResult<T> {
    v.parse::<T>().map_err(|e| {
        if aws_names.contains(&v) {
            strongroom::Error::UnsupportedOperation(format!(
                "{member} {v} is not supported by strongroom"
            ))
            .into()
        } else {
            e.into()
        }
    })
}

/// `--encryption-algorithm`, `SYMMETRIC_DEFAULT` when not given.
fn encryption_algorithm(v: Option<&str>) -> CliResult<EncryptionAlgorithm> {
    algorithm_member("EncryptionAlgorithm", v)
}

/// An option of AWS's `EncryptionAlgorithmSpec` type for member `member`, `SYMMETRIC_DEFAULT`
/// when not given.
fn algorithm_member(member: &str, v: Option<&str>) -> CliResult<EncryptionAlgorithm> {
    v.map(|a| aws_name(member, a, model::ENCRYPTION_ALGORITHMS))
        .transpose()
        .map(|a| a.unwrap_or(EncryptionAlgorithm::SymmetricDefault))
}

/// The key id (UUID) that `key_ref` names, without an audited call (`Keystore::key_id_of`).
pub(crate) fn key_id_of(ks: &Keystore, key_ref: &str) -> strongroom::Result<String> {
    ks.key_id_of(key_ref)
}

fn data_key_params(a: &DataKeyArgs) -> CliResult<(Option<DataKeySpec>, Option<u32>)> {
    let spec = a
        .key_spec
        .as_deref()
        .map(parsed::<DataKeySpec>)
        .transpose()?;
    Ok((spec, a.number_of_bytes))
}

fn with_keystore(ks: &Keystore, cmd: &Command, no_paginate: bool) -> CliResult<Option<Doc>> {
    Ok(match cmd {
        Command::CreateKey {
            description,
            key_spec,
            customer_master_key_spec,
            key_usage,
            origin,
            policy,
            bypass_policy_lockout_safety_check,
            tags: tag_args,
        } => {
            let req = CreateKey {
                description: text("description", description)?,
                key_spec: key_spec
                    .as_ref()
                    .or(customer_master_key_spec.as_ref())
                    .map(|k| aws_name("KeySpec", k, model::KEY_SPECS))
                    .transpose()?,
                key_usage: key_usage.as_deref().map(parsed).transpose()?,
                origin: origin.as_deref().map(parsed).transpose()?,
                policy: policy.as_deref().map(|p| text("policy", p)).transpose()?,
                bypass_policy_lockout_safety_check: *bypass_policy_lockout_safety_check,
                tags: tags("tags", tag_args)?,
            };
            let m = ks.create_key(&req)?;
            Some(obj!["KeyMetadata" => key_metadata(&m)])
        }
        Command::DescribeKey(k) => {
            Some(obj!["KeyMetadata" => key_metadata(&ks.describe_key(&k.key_id)?)])
        }
        Command::ListKeys { paging } => Some(list(&LIST_KEYS, paging, no_paginate, |page| {
            Ok(page_doc(
                ks.list_keys_page(&page)?,
                "Keys",
                |m| obj!["KeyId" => &m.key_id, "KeyArn" => &m.arn],
            ))
        })?),
        Command::EnableKey(k) => {
            ks.enable_key(&k.key_id)?;
            None
        }
        Command::DisableKey(k) => {
            ks.disable_key(&k.key_id)?;
            None
        }
        Command::CreateAlias {
            alias_name,
            target_key_id,
        } => {
            ks.create_alias(alias_name, target_key_id)?;
            None
        }
        Command::UpdateAlias {
            alias_name,
            target_key_id,
        } => {
            ks.update_alias(alias_name, target_key_id)?;
            None
        }
        Command::DeleteAlias { alias_name } => {
            ks.delete_alias(alias_name)?;
            None
        }
        Command::ListAliases { key_id, paging } => {
            Some(list(&LIST_ALIASES, paging, no_paginate, |page| {
                let p = ks.list_aliases_page(key_id.as_deref(), &page)?;
                Ok(page_doc(p, "Aliases", |a| {
                    obj![
                        "AliasName" => &a.alias_name,
                        "AliasArn" => &a.alias_arn,
                        "TargetKeyId" => &a.target_key_id,
                        "CreationDate" => date(a.creation_date),
                        "LastUpdatedDate" => date(a.last_updated_date),
                    ]
                }))
            })?)
        }
        Command::Encrypt {
            key_id,
            plaintext,
            encryption_context,
            encryption_algorithm: alg,
            ..
        } => {
            let data = blob("plaintext", plaintext)?;
            let ctx = context("encryption-context", encryption_context.as_deref())?;
            let alg = encryption_algorithm(alg.as_deref())?;
            let out = ks.encrypt_with_algorithm(key_id, &data, ctx.as_ref(), alg)?;
            Some(obj![
                "CiphertextBlob" => b64(&out.ciphertext_blob),
                "KeyId" => &out.key_id,
                "EncryptionAlgorithm" => out.encryption_algorithm.as_str(),
            ])
        }
        Command::Decrypt {
            ciphertext_blob,
            encryption_context,
            key_id,
            encryption_algorithm: alg,
            ..
        } => {
            let data = blob("ciphertext-blob", ciphertext_blob)?;
            let ctx = context("encryption-context", encryption_context.as_deref())?;
            let alg = encryption_algorithm(alg.as_deref())?;
            let out = ks.decrypt_with_algorithm(&data, ctx.as_ref(), key_id.as_deref(), alg)?;
            let mut o = obj![
                "KeyId" => &out.key_id,
                "Plaintext" => b64(out.plaintext.as_bytes()),
                "EncryptionAlgorithm" => alg.as_str(),
            ];
            // As AWS: RSA-OAEP's Decrypt has no KeyMaterialId (the server's answer too).
            if alg == EncryptionAlgorithm::SymmetricDefault {
                o.push("KeyMaterialId", out.key_material_id.as_str());
            }
            Some(o)
        }
        Command::ReEncrypt {
            ciphertext_blob,
            destination_key_id,
            source_encryption_context,
            destination_encryption_context,
            source_key_id,
            source_encryption_algorithm,
            destination_encryption_algorithm,
            ..
        } => {
            let data = blob("ciphertext-blob", ciphertext_blob)?;
            let src = context(
                "source-encryption-context",
                source_encryption_context.as_deref(),
            )?;
            let dst = context(
                "destination-encryption-context",
                destination_encryption_context.as_deref(),
            )?;
            let algorithms = ReEncryptAlgorithms {
                source: algorithm_member(
                    "SourceEncryptionAlgorithm",
                    source_encryption_algorithm.as_deref(),
                )?,
                destination: algorithm_member(
                    "DestinationEncryptionAlgorithm",
                    destination_encryption_algorithm.as_deref(),
                )?,
            };
            let out = ks.re_encrypt_with_algorithms(
                &data,
                destination_key_id,
                src.as_ref(),
                dst.as_ref(),
                source_key_id.as_deref(),
                algorithms,
            )?;
            let mut o = obj![
                "CiphertextBlob" => b64(&out.ciphertext_blob),
                "SourceKeyId" => &out.source_key_id,
                "KeyId" => &out.key_id,
                "SourceEncryptionAlgorithm" => out.source_encryption_algorithm.as_str(),
                "DestinationEncryptionAlgorithm" => out.destination_encryption_algorithm.as_str(),
            ];
            // As AWS (and the server): material ids for symmetric sides only.
            if out.source_encryption_algorithm == EncryptionAlgorithm::SymmetricDefault {
                o.push("SourceKeyMaterialId", out.source_key_material_id.as_str());
            }
            if out.destination_encryption_algorithm == EncryptionAlgorithm::SymmetricDefault {
                o.push(
                    "DestinationKeyMaterialId",
                    out.destination_key_material_id.as_str(),
                );
            }
            Some(o)
        }
        Command::GenerateDataKey(a) => {
            let (spec, n) = data_key_params(a)?;
            let ctx = context("encryption-context", a.encryption_context.as_deref())?;
            let dk = ks.generate_data_key(&a.key_id, spec, n, ctx.as_ref())?;
            Some(obj![
                "CiphertextBlob" => b64(&dk.ciphertext_blob),
                "Plaintext" => b64(dk.plaintext.as_bytes()),
                "KeyId" => &dk.key_id,
                "KeyMaterialId" => dk.key_material_id.as_str(),
            ])
        }
        Command::GenerateDataKeyWithoutPlaintext(a) => {
            let (spec, n) = data_key_params(a)?;
            let ctx = context("encryption-context", a.encryption_context.as_deref())?;
            let dk = ks.generate_data_key_without_plaintext(&a.key_id, spec, n, ctx.as_ref())?;
            Some(obj![
                "CiphertextBlob" => b64(&dk.ciphertext_blob),
                "KeyId" => &dk.key_id,
                "KeyMaterialId" => dk.key_material_id.as_str(),
            ])
        }
        Command::GenerateRandom { number_of_bytes } => {
            let r = ks.generate_random(*number_of_bytes)?;
            Some(obj!["Plaintext" => b64(r.as_bytes())])
        }
        Command::EnableKeyRotation {
            key_id,
            rotation_period_in_days,
        } => {
            ks.enable_key_rotation(key_id, *rotation_period_in_days)?;
            None
        }
        Command::DisableKeyRotation(k) => {
            ks.disable_key_rotation(&k.key_id)?;
            None
        }
        Command::GetKeyRotationStatus(k) => {
            let st = ks.get_key_rotation_status(&k.key_id)?;
            let mut o = obj![
                "KeyRotationEnabled" => st.key_rotation_enabled,
                "KeyId" => &st.key_id,
            ];
            if let Some(p) = st.rotation_period_in_days {
                o.push("RotationPeriodInDays", json!(p));
            }
            if let Some(d) = st.next_rotation_date {
                o.push("NextRotationDate", date(d));
            }
            if let Some(d) = st.on_demand_rotation_start_date {
                o.push("OnDemandRotationStartDate", date(d));
            }
            Some(o)
        }
        Command::RotateKeyOnDemand(k) => {
            ks.rotate_key_on_demand(&k.key_id)?;
            Some(obj!["KeyId" => key_id_of(ks, &k.key_id)?])
        }
        Command::ListKeyRotations {
            key_id,
            include_key_material,
            paging,
        } => {
            let include = include_key_material
                .as_deref()
                .map(parsed::<IncludeKeyMaterial>)
                .transpose()?
                .unwrap_or_default();
            Some(list(&LIST_KEY_ROTATIONS, paging, no_paginate, |page| {
                let p = ks.list_key_rotations_page(key_id, include, &page)?;
                Ok(page_doc(p, "Rotations", rotation_entry))
            })?)
        }
        Command::UpdateKeyDescription {
            key_id,
            description,
        } => {
            ks.update_key_description(key_id, &text("description", description)?)?;
            None
        }
        Command::TagResource {
            key_id,
            tags: tag_args,
        } => {
            ks.tag_resource(key_id, &tags("tags", tag_args)?)?;
            None
        }
        Command::UntagResource { key_id, tag_keys } => {
            ks.untag_resource(key_id, tag_keys)?;
            None
        }
        Command::ListResourceTags { key_id, paging } => {
            Some(list(&LIST_RESOURCE_TAGS, paging, no_paginate, |page| {
                let p = ks.list_resource_tags(key_id, &page)?;
                Ok(page_doc(
                    p,
                    "Tags",
                    |t| obj!["TagKey" => &t.tag_key, "TagValue" => &t.tag_value],
                ))
            })?)
        }
        Command::GetKeyLastUsage(k) => Some(last_usage::shape(&ks.get_key_last_usage(&k.key_id)?)),
        Command::ScheduleKeyDeletion {
            key_id,
            pending_window_in_days,
            yes,
        } => {
            last_usage::confirm_deletion(ks, key_id, *yes)?;
            let deletion = ks.schedule_key_deletion(key_id, *pending_window_in_days)?;
            Some(obj![
                "KeyId" => ks.key_arn_of(key_id)?,
                "DeletionDate" => date(deletion),
                "KeyState" => KeyState::PendingDeletion.as_str(),
                "PendingWindowInDays" => pending_window_in_days.unwrap_or(DEFAULT_PENDING_WINDOW_DAYS),
            ])
        }
        Command::CancelKeyDeletion(k) => {
            ks.cancel_key_deletion(&k.key_id)?;
            Some(obj!["KeyId" => ks.key_arn_of(&k.key_id)?])
        }
        Command::GetParametersForImport {
            key_id,
            wrapping_algorithm,
            wrapping_key_spec,
        } => {
            let p = ks.get_parameters_for_import(
                key_id,
                parsed(wrapping_algorithm)?,
                parsed(wrapping_key_spec)?,
            )?;
            Some(obj![
                "KeyId" => &p.key_id,
                "ImportToken" => b64(&p.import_token),
                "PublicKey" => b64(&p.public_key),
                "ParametersValidTo" => date(p.parameters_valid_to),
            ])
        }
        Command::ImportKeyMaterial {
            key_id,
            import_token,
            encrypted_key_material,
            expiration_model,
            valid_to,
            import_type,
            key_material_id,
            key_material_description,
        } => {
            let token = blob("import-token", import_token)?;
            let material = blob("encrypted-key-material", encrypted_key_material)?;
            let valid_to = valid_to
                .as_deref()
                .map(|t| time("valid-to", t))
                .transpose()?;
            let claims = strongroom::ImportClaims {
                import_type: import_type.as_deref().map(parsed).transpose()?,
                key_material_id: key_material_id.as_deref(),
                key_material_description: key_material_description.as_deref(),
            };
            let id = ks.import_key_material_with(
                key_id,
                &token,
                &material,
                match expiration_model {
                    Some(m) => parsed(m)?,
                    None => strongroom::AWS_DEFAULT_EXPIRATION_MODEL,
                },
                valid_to,
                claims,
            )?;
            Some(obj!["KeyId" => ks.key_arn_of(key_id)?, "KeyMaterialId" => id.as_str()])
        }
        Command::DeleteImportedKeyMaterial(k) => {
            let id = ks.delete_imported_key_material(&k.key_id)?;
            Some(obj!["KeyId" => ks.key_arn_of(&k.key_id)?, "KeyMaterialId" => id.as_str()])
        }
        Command::Audit(a) => return audit::run(ks, a),
        Command::Iam(c) => return iam::run(ks, c),
        Command::EncryptFile { key_id, file } => {
            let ctx = context("encryption-context", file.encryption_context.as_deref())?;
            file_crypt::encrypt_command(ks, key_id, ctx.as_ref(), file)?;
            None
        }
        Command::DecryptFile { key_id, file } => {
            let ctx = context("encryption-context", file.encryption_context.as_deref())?;
            file_crypt::decrypt_command(ks, key_id.as_deref(), ctx.as_ref(), file)?;
            None
        }
        Command::Seed { file } => Some(seed::apply(ks, file)?),
        Command::Secretsmanager(c) => crate::secrets::run(ks, c, no_paginate)?,
        Command::Access(a) => a.run(ks, no_paginate)?,
        Command::Asymmetric(a) => Some(a.run(ks)?),
        Command::Init
        | Command::Quickstart
        | Command::Completion { .. }
        | Command::Serve(_)
        | Command::ChangePassphrase { .. } => {
            return Err(CliError::BadInput("not a keystore command".into()));
        }
    })
}
