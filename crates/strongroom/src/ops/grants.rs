//! Grants (SPEC section 13): `CreateGrant`, `ListGrants`, `ListRetirableGrants`, `RetireGrant`,
//! `RevokeGrant`. In-process callers manage grants as the account root; grants decide access
//! only on the server ([`Keystore::authorize`], [`Keystore::authorize_retire_grant`]).

use crate::crypto::random;
use crate::format::access::{GrantRecord, grant_token, parse_grant_token};
use crate::format::audit_batch::PendingEvent;
use crate::format::records::Slot;
use crate::keystore::access::read_access;
use crate::keystore::handle::Keystore;
use crate::model::grant::{CreateGrant, CreatedGrant, GrantListEntry};
use crate::model::operation::Operation;
use crate::model::page::{Page, PageRequest};
use crate::model::policy::Principal;
use crate::ops::policy::{access_denied, grantee_matches};
use crate::rules::grant::{MAX_GRANT_FIELD_LEN, check_create, check_grantable, check_quota};
use crate::rules::paging::{self, LIST_GRANTS_LIMIT, LIST_RETIRABLE_GRANTS_LIMIT, ListLimit};
use crate::rules::policy::document::{PrincipalPattern, aws_principal};
use crate::rules::policy::{Decision, Facts};
use crate::storage::integrity::Bucket;
use crate::storage::tables::GRANTS;
use crate::{Error, Result};
use redb::ReadableTable;

/// Which grant a `RetireGrant` names: by token, or by key and grant id.
fn grant_named(
    ks: &Keystore,
    grant_token: Option<&str>,
    key_id: Option<&str>,
    grant_id: Option<&str>,
) -> Result<(u128, String)> {
    match (grant_token, key_id, grant_id) {
        (Some(t), _, _) => {
            let (key, grant) = parse_grant_token(t)?;
            Ok((key, grant.to_owned()))
        }
        (None, Some(k), Some(g)) => Ok((ks.resolve(k)?, g.to_owned())),
        _ => Err(Error::Validation(
            "name the grant by GrantToken, or by KeyId and GrantId".into(),
        )),
    }
}

/// Grants in the order the list operations return them: oldest first, then by id.
fn oldest_first(grants: &mut [GrantListEntry]) {
    grants.sort_by(|a, b| (a.creation_date, &a.grant_id).cmp(&(b.creation_date, &b.grant_id)));
}

/// `grants` (oldest first) whole, or the page `page` asks for (bounds `limit`), paged by
/// creation date, then grant id: the order of [`oldest_first`].
fn grant_page(
    grants: Vec<GrantListEntry>,
    page: Option<&PageRequest>,
    limit: ListLimit,
) -> Result<Page<GrantListEntry>> {
    match page {
        Some(p) => paging::page(
            grants,
            |g| format!("{:020}{}", g.creation_date.unix_millis(), g.grant_id),
            p,
            limit,
        ),
        None => Ok(Page {
            items: grants,
            next_marker: None,
            truncated: false,
        }),
    }
}

impl Keystore {
    /// Checks a grantee or retiring principal: an ARN of a user of this keystore's account, or
    /// the account root.
    fn check_grant_principal(&self, what: &str, arn: &str) -> Result<()> {
        let bad = |why: String| Error::Validation(format!("{what} {arn:?} {why}"));
        if arn.is_empty() || arn.chars().count() > MAX_GRANT_FIELD_LEN {
            return Err(bad(format!(
                "must be 1 to {MAX_GRANT_FIELD_LEN} characters"
            )));
        }
        match aws_principal(arn, &self.aws_account_id) {
            Ok(PrincipalPattern::User(_)) if self.principal_exists(arn)? => Ok(()),
            Ok(PrincipalPattern::User(_)) => Err(bad(
                "is not a user of this keystore (create it with strongroom iam create-user)".into(),
            )),
            Ok(PrincipalPattern::Account(_)) if arn.starts_with("arn:") => Ok(()),
            Ok(_) => Err(bad(
                "is not a principal ARN (arn:aws:iam::ACCOUNT:user/NAME or arn:aws:iam::ACCOUNT:root)".into(),
            )),
            Err(e) => Err(bad(format!("is not a principal of this keystore ({})", e.message()))),
        }
    }

    /// Creates a grant on a key (AWS KMS `CreateGrant`). A grant with the same name and the same
    /// grantee, retiring principal, operations and constraints as an existing one is that one.
    pub fn create_grant(&self, req: &CreateGrant) -> Result<CreatedGrant> {
        self.logged(Operation::CreateGrant, Some(&req.key_id), None, |s| {
            let id = self.resolve(&req.key_id)?;
            s.key = Some(id);
            check_create(req)?;
            self.check_grant_principal("GranteePrincipal", &req.grantee_principal)?;
            if let Some(r) = &req.retiring_principal {
                self.check_grant_principal("RetiringPrincipal", r)?;
            }
            let k = self.key(id)?;
            check_grantable(&req.key_id, k.rec.key_state)?;
            let g = self.lock();
            let access = self.access_locked(id, &g)?;
            let mut operations = req.operations.clone();
            operations.dedup();
            let rec = GrantRecord {
                creation_date: self.clock.now(),
                grantee: req.grantee_principal.clone(),
                retiring: req.retiring_principal.clone(),
                name: req.name.clone(),
                operations,
                constraints: req.constraints.clone(),
            };
            if req.name.is_some()
                && let Some((grant_id, _)) = access.grants.iter().find(|(_, old)| {
                    GrantRecord {
                        creation_date: old.creation_date,
                        ..rec.clone()
                    } == *old
                })
            {
                return Ok(CreatedGrant {
                    grant_token: grant_token(id, grant_id),
                    grant_id: grant_id.clone(),
                });
            }
            check_quota(access.grants.len())?;
            let grant_id: String = random::array::<32>()?
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let sealed = self
                .sealer
                .seal(&Slot::grant(id, &grant_id), &rec.encode())?;
            let event = PendingEvent {
                key: Some(id),
                ..PendingEvent::new(rec.creation_date, Operation::CreateGrant)
            };
            self.write(&[Bucket::key(id)], &[event], |tx| {
                tx.open_table(GRANTS)?
                    .insert((id, grant_id.as_str()), sealed.as_slice())?;
                Ok(())
            })?;
            s.logged = true;
            let mut grants = access.grants.clone();
            grants.push((grant_id.clone(), rec));
            grants.sort_by(|a, b| a.0.cmp(&b.0));
            self.cache_access(id, self.key_access(id, access.policy_text.clone(), grants)?);
            Ok(CreatedGrant {
                grant_token: grant_token(id, &grant_id),
                grant_id,
            })
        })
    }

    fn entry(&self, key: u128, grant_id: &str, g: &GrantRecord) -> GrantListEntry {
        GrantListEntry {
            key_id: self.key_arn(key),
            grant_id: grant_id.to_owned(),
            name: g.name.clone(),
            creation_date: g.creation_date,
            grantee_principal: g.grantee.clone(),
            retiring_principal: g.retiring.clone(),
            issuing_account: format!("arn:aws:iam::{}:root", self.aws_account_id),
            operations: g.operations.clone(),
            constraints: g.constraints.clone(),
        }
    }

    /// A key's grants (AWS KMS `ListGrants`), oldest first, optionally only grant `grant_id` or
    /// only those to `grantee_principal`.
    pub fn list_grants(
        &self,
        key_id: &str,
        grant_id: Option<&str>,
        grantee_principal: Option<&str>,
    ) -> Result<Vec<GrantListEntry>> {
        self.list_grants_with(key_id, grant_id, grantee_principal, None)
            .map(|p| p.items)
    }

    /// One page of [`Keystore::list_grants`] (AWS KMS `ListGrants`: `limit` 1 to 100, default
    /// 50).
    pub fn list_grants_page(
        &self,
        key_id: &str,
        grant_id: Option<&str>,
        grantee_principal: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<GrantListEntry>> {
        self.list_grants_with(key_id, grant_id, grantee_principal, Some(page))
    }

    fn list_grants_with(
        &self,
        key_id: &str,
        grant_id: Option<&str>,
        grantee_principal: Option<&str>,
        page: Option<&PageRequest>,
    ) -> Result<Page<GrantListEntry>> {
        self.logged(Operation::ListGrants, Some(key_id), None, |s| {
            if let Some(p) = page {
                paging::check(p, LIST_GRANTS_LIMIT)?;
            }
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.key(id)?;
            let access = self.access(id)?;
            let mut out: Vec<GrantListEntry> = access
                .grants
                .iter()
                .filter(|(g, _)| grant_id.is_none_or(|want| want == g))
                .filter(|(_, r)| grantee_principal.is_none_or(|p| p == r.grantee))
                .map(|(g, r)| self.entry(id, g, r))
                .collect();
            oldest_first(&mut out);
            grant_page(out, page, LIST_GRANTS_LIMIT)
        })
    }

    /// Every grant, on any key, that `retiring_principal` may retire (AWS KMS
    /// `ListRetirableGrants`).
    pub fn list_retirable_grants(&self, retiring_principal: &str) -> Result<Vec<GrantListEntry>> {
        self.list_retirable_grants_with(retiring_principal, None)
            .map(|p| p.items)
    }

    /// One page of [`Keystore::list_retirable_grants`] (AWS KMS `ListRetirableGrants`: `limit` 1
    /// to 100, default 50).
    pub fn list_retirable_grants_page(
        &self,
        retiring_principal: &str,
        page: &PageRequest,
    ) -> Result<Page<GrantListEntry>> {
        self.list_retirable_grants_with(retiring_principal, Some(page))
    }

    fn list_retirable_grants_with(
        &self,
        retiring_principal: &str,
        page: Option<&PageRequest>,
    ) -> Result<Page<GrantListEntry>> {
        self.logged(Operation::ListRetirableGrants, None, None, |_| {
            if let Some(p) = page {
                paging::check(p, LIST_RETIRABLE_GRANTS_LIMIT)?;
            }
            let keys: Vec<u128> = self.read(|tx| {
                let t = match tx.open_table(GRANTS) {
                    Ok(t) => t,
                    Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
                    Err(e) => return Err(e.into()),
                };
                let mut keys: Vec<u128> = Vec::new();
                for row in t.iter()? {
                    let key = row?.0.value().0;
                    if keys.last() != Some(&key) {
                        keys.push(key);
                    }
                }
                Ok(keys)
            })?;
            let mut out = Vec::new();
            for key in keys {
                let (_, grants) = self.read(|tx| read_access(self, tx, key))?;
                out.extend(
                    grants
                        .iter()
                        .filter(|(_, g)| g.retiring.as_deref() == Some(retiring_principal))
                        .map(|(id, g)| self.entry(key, id, g)),
                );
            }
            oldest_first(&mut out);
            grant_page(out, page, LIST_RETIRABLE_GRANTS_LIMIT)
        })
    }

    /// Removes grant `grant_id` of key `id`, logged as `operation`; `NotFound` if it has none.
    fn remove_grant(&self, id: u128, grant_id: &str, operation: Operation) -> Result<()> {
        let g = self.lock();
        self.key_locked(id, &g)?;
        let access = self.access_locked(id, &g)?;
        if !access.grants.iter().any(|(gid, _)| gid == grant_id) {
            return Err(Error::NotFound(format!(
                "key {} has no grant {grant_id:?}",
                uuid::Uuid::from_u128(id)
            )));
        }
        let event = PendingEvent {
            key: Some(id),
            ..PendingEvent::new(self.clock.now(), operation)
        };
        self.write(&[Bucket::key(id)], &[event], |tx| {
            tx.open_table(GRANTS)?.remove((id, grant_id))?;
            Ok(())
        })?;
        let grants = access
            .grants
            .iter()
            .filter(|(gid, _)| gid != grant_id)
            .cloned()
            .collect();
        self.cache_access(id, self.key_access(id, access.policy_text.clone(), grants)?);
        Ok(())
    }

    /// Retires a grant (AWS KMS `RetireGrant`), named by its token, or by key and grant id.
    pub fn retire_grant(
        &self,
        grant_token: Option<&str>,
        key_id: Option<&str>,
        grant_id: Option<&str>,
    ) -> Result<()> {
        self.logged(Operation::RetireGrant, key_id, None, |s| {
            let (id, grant) = grant_named(self, grant_token, key_id, grant_id)?;
            s.key = Some(id);
            self.remove_grant(id, &grant, Operation::RetireGrant)?;
            s.logged = true;
            Ok(())
        })
    }

    /// Revokes a grant (AWS KMS `RevokeGrant`).
    pub fn revoke_grant(&self, key_id: &str, grant_id: &str) -> Result<()> {
        self.logged(Operation::RevokeGrant, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.remove_grant(id, grant_id, Operation::RevokeGrant)?;
            s.logged = true;
            Ok(())
        })
    }

    /// Whether `principal` may retire the grant (the server's check before `RetireGrant`): its
    /// retiring principal, its grantee if it allows `RetireGrant`, or a principal the key policy
    /// allows `kms:RetireGrant` (AWS's "IAM permission", here the key policy). A refusal is
    /// `AccessDenied`, recorded in the audit trail.
    pub fn authorize_retire_grant(
        &self,
        principal: &Principal,
        grant_token: Option<&str>,
        key_id: Option<&str>,
        grant_id: Option<&str>,
    ) -> Result<()> {
        let named = grant_named(self, grant_token, key_id, grant_id).and_then(|(id, grant)| {
            self.key(id)?;
            let access = self.access(id)?;
            let found = access
                .grants
                .iter()
                .find(|(g, _)| *g == grant)
                .map(|(_, r)| r.clone());
            Ok((id, access, found))
        });
        let (id, access, found) = match named {
            Ok(x) => x,
            // The operation itself reports a grant or key that does not exist.
            Err(e) if e.name() == "NotFound" => return Ok(()),
            Err(e) => return Err(e),
        };
        let Some(grant) = found else { return Ok(()) };
        let retiring = grant
            .retiring
            .as_deref()
            .is_some_and(|r| grantee_matches(r, principal));
        let grantee = grantee_matches(&grant.grantee, principal)
            && grant
                .operations
                .contains(&crate::model::grant::GrantOperation::RetireGrant);
        let [local, aws] = self.key_arns(id);
        let by_policy = access.policy.evaluate(&Facts {
            principal,
            action: "kms:RetireGrant",
            resources: &[&local, &aws],
            context: None,
            request_alias: None,
            resource_aliases: &Vec::new,
        }) == Decision::Allow;
        if retiring || grantee || by_policy {
            return Ok(());
        }
        self.logged(Operation::RetireGrant, key_id, None, |s| {
            s.key = Some(id);
            Err(access_denied(
                principal,
                "kms:RetireGrant",
                &aws,
                "because it is neither the grant's retiring principal nor its grantee with \
                 RetireGrant, and no resource-based policy allows the kms:RetireGrant action",
            ))
        })
    }
}
