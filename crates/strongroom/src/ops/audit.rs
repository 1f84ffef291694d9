//! The audit trail (SPEC section 8): reading, verifying and exporting it, and the alarm.

use crate::Result;
use crate::audit::caller;
use crate::audit::last_use::later;
use crate::audit::query::AuditEvents;
use crate::keystore::dry_run;
use crate::keystore::handle::Keystore;
use crate::model::audit::{AuditEvent, AuditFilter};
use crate::model::iam::Caller;
use crate::model::last_use::KeyLastUsage;
use crate::model::lifecycle::AlarmCallback;
use crate::model::operation::Operation;
use std::sync::Arc;

impl Keystore {
    /// When and by which cryptographic operation a key was last used successfully (AWS KMS
    /// `GetKeyLastUsage`), in any state: `Encrypt`, `Decrypt`, `ReEncrypt` (for its source and
    /// its destination key), `GenerateDataKey`, `GenerateDataKeyWithoutPlaintext`. Kept beside
    /// the audit trail and committed with it (one row per key, not a scan of the trail); uses
    /// made while the keystore was open with audit level `OFF` are known only to that session.
    pub fn get_key_last_usage(&self, key_id: &str) -> Result<KeyLastUsage> {
        self.logged(Operation::GetKeyLastUsage, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            let k = self.key(id)?;
            let (stored, since) = self.read(|tx| self.audit.read_last_use(tx, id))?;
            let created = k.rec.creation_date;
            Ok(KeyLastUsage {
                key_id: uuid::Uuid::from_u128(id).to_string(),
                key_last_usage: later(stored, k.usage.last.get()),
                tracking_start_date: since.map(|t| t.max(created)),
                key_creation_date: created,
            })
        })
    }

    /// Runs `f` as `caller`: every event this keystore's audit trail records on this thread
    /// while `f` runs names `caller` instead of the handle's `Options::caller` (scopes nest; the
    /// previous one is restored after `f`, also on a panic). A server runs each request this
    /// way, as `ARN@ADDRESS`. Under `AuditLevel::Summary`, calls made as a caller are recorded
    /// one by one (the summary's counters are per key, not per caller).
    ///
    /// ```
    /// # use strongroom::{Keystore, Options, Caller, AuditFilter};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let alice = Caller::new("arn:aws:iam::111122223333:user/alice@127.0.0.1:53122")?;
    /// ks.as_caller(&alice, || ks.generate_random(8))?;
    /// let events = ks.audit_events(&AuditFilter::default())?;
    /// assert_eq!(events.last().unwrap().caller, alice.as_str());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_caller<T>(&self, caller: &Caller, f: impl FnOnce() -> T) -> T {
        let _scope = caller::enter(self.audit.scope_owner(), caller);
        f()
    }

    /// Runs `f` as a dry run (AWS KMS's `DryRun`): every call this keystore receives on this
    /// thread while `f` runs is checked completely (its arguments; the key's existence, state
    /// and usage; the ciphertext and its encryption context; a signature or MAC; a grant's
    /// rules and quota) and changes nothing: nothing is committed, no grant is created, retired
    /// or revoked, no use is recorded as a key's last use. A call that would have succeeded
    /// answers [`Error::DryRunOperation`](crate::Error::DryRunOperation) ("The request would
    /// have succeeded, but the DryRun option is set."); one that would have failed, its real
    /// error. The audit trail records each call with that outcome. Due work a call happens to
    /// trigger (a scheduled rotation or deletion) still runs: it is not the call's change.
    /// Scopes nest; the previous one is restored after `f`, also on a panic. Permission checks
    /// are the server's ([`Keystore::authorize`]), made before it enters the dry run.
    ///
    /// ```
    /// # use strongroom::{Keystore, Options, CreateKey, Error};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let key = ks.create_key(&CreateKey::default())?.key_id;
    /// let r = ks.dry_run(|| ks.encrypt(&key, b"secret", None));
    /// assert!(matches!(r, Err(Error::DryRunOperation(_))));
    /// ks.disable_key(&key)?;
    /// let r = ks.dry_run(|| ks.encrypt(&key, b"secret", None));
    /// assert!(matches!(r, Err(Error::Disabled(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dry_run<T>(&self, f: impl FnOnce() -> T) -> T {
        let _scope = dry_run::enter(self.audit.scope_owner());
        f()
    }

    /// [`Keystore::dry_run`] as a value: until the returned scope is dropped, every call this
    /// thread makes on this keystore is a dry run. For callers that cannot pass a closure (the
    /// C ABI's dry-run handles); prefer `dry_run`, which cannot outlive its calls.
    ///
    /// ```
    /// # use strongroom::{Keystore, Options, CreateKey, Error};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let key = ks.create_key(&CreateKey::default())?.key_id;
    /// let scope = ks.enter_dry_run();
    /// assert!(matches!(ks.encrypt(&key, b"secret", None), Err(Error::DryRunOperation(_))));
    /// drop(scope);
    /// assert!(ks.encrypt(&key, b"secret", None).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enter_dry_run(&self) -> dry_run::DryRunScope {
        dry_run::scope(self.audit.scope_owner())
    }

    /// Events matching `filter`, oldest first. Commits events still in memory first. This
    /// collects the whole result: to read a long trail, use [`Keystore::audit_events_iter`].
    pub fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
        self.audit_events_iter(filter)?.collect()
    }

    /// Events matching `filter`, oldest first, as a stream: one stored batch of events is
    /// decoded at a time, so memory stays bounded however long the trail. Commits events still
    /// in memory first; reads one snapshot of the trail (later events are not seen).
    pub fn audit_events_iter(&self, filter: &AuditFilter) -> Result<AuditEvents<'_>> {
        self.flush_audit()?;
        self.read(|tx| AuditEvents::new(tx, filter.clone()))
    }

    /// Verifies the hash chain of the whole trail (from the last pruning checkpoint) and its
    /// signed head; returns the number of events verified, or `Corrupt` naming the first event
    /// that does not verify.
    pub fn verify_audit(&self) -> Result<u64> {
        self.flush_audit()?;
        self.read(|tx| self.audit.verify(tx))
    }

    /// Writes the events matching `filter` as JSON Lines, as it reads them (memory stays bounded
    /// however long the trail); returns how many were written.
    pub fn export_audit_jsonl(
        &self,
        filter: &AuditFilter,
        out: &mut dyn std::io::Write,
    ) -> Result<u64> {
        let mut n = 0;
        for e in self.audit_events_iter(filter)? {
            writeln!(out, "{}", e?.to_json())?;
            n += 1;
        }
        Ok(n)
    }

    /// Sets (or with `None` clears) the alarm: called with every refused attempt to use a key
    /// that is disabled or pending deletion. It runs on the calling thread; keep it short.
    pub fn set_alarm(&self, alarm: Option<AlarmCallback>) {
        *self.alarm.write() = alarm.map(Arc::from);
    }
}
