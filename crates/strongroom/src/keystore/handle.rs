//! The keystore handle: what one open keystore holds (the file, the root key, the caches), and
//! the machinery every operation runs through: the audited call, transactions, the change lock.
//! The public operations are in `ops/`.

use crate::audit::log::AuditLog;
use crate::audit::subject::Subject;
use crate::audit::writer::{self, AuditWriter};
use crate::crypto::fork::Owner;
use crate::crypto::secret::Key256;
use crate::crypto::subkey::{HmacKey, MATERIAL_ID_INFO, hmac_key};
use crate::error::forked;
use crate::format::audit_batch::PendingEvent;
use crate::format::records::{AliasRecord, RecordSealer};
use crate::keystore::dry_run;
use crate::keystore::iam_state::IamState;
use crate::keystore::key_access::AccessCache;
use crate::keystore::options::Options;
use crate::keystore::secret_cache::SecretCache;
use crate::keystore::thread_keys::ThreadKeys;
use crate::keystore::unsealed::UnsealedKey;
use crate::model::clock::Clock;
use crate::model::context::EncryptionContext;
use crate::model::lifecycle::Alarm;
use crate::model::operation::Operation;
use crate::storage::file::{self, Db, Location, no_panic};
use crate::storage::integrity::{Bucket, Integrity};
use crate::storage::live::{self, LiveDb};
use crate::{Error, Result};
use parking_lot::{Mutex, MutexGuard, RwLock};
use redb::ReadableDatabase;
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// Shards of the key cache: keys in different shards never share a lock.
pub(crate) const KEY_CACHE_SHARDS: usize = 64;

/// A keystore opened from its file. `Send + Sync`: share it between threads behind an `Arc`.
///
/// ```
/// use strongroom::{Keystore, Options, CreateKey};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("demo.strongroom");
/// let ks = Keystore::create(&path, b"correct horse", &Options::insecure_fast_for_tests())?;
/// let key = ks.create_key(&CreateKey::default())?;
/// let blob = ks.encrypt(&key.key_id, b"secret", None)?;
/// assert_eq!(ks.decrypt(&blob, None, None)?.plaintext.as_bytes(), b"secret");
/// ks.close()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Keystore {
    /// The open file, behind a swap: a scrub replaces it with the rewritten one.
    pub(crate) db: Arc<LiveDb>,
    pub(crate) path: PathBuf,
    pub(crate) id: u128,
    pub(crate) id_str: String,
    /// `arn:aws:kms:REGION:ACCOUNT:`, from the options.
    pub(crate) aws_arn_prefix: String,
    /// `arn:aws:secretsmanager:REGION:ACCOUNT:secret:`, from the options.
    pub(crate) secret_arn_prefix: String,
    pub(crate) aws_account_id: String,
    pub(crate) sealer: RecordSealer,
    /// The key of key material ids (`Keystore::material_id`).
    pub(crate) material_ids: HmacKey,
    pub(crate) root: Key256,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_keys: u64,
    pub(crate) caller: String,
    /// The unsealed keys, in shards by key id (`keystore::key_cache`).
    pub(crate) key_cache: Vec<RwLock<HashMap<u128, Arc<UnsealedKey>>>>,
    /// Per-thread handles on the keys in `key_cache`, for the crypto path.
    pub(crate) thread_keys: ThreadKeys,
    pub(crate) aliases: RwLock<HashMap<String, AliasRecord>>,
    /// Secrets' records and sealed versions (`keystore::secret_cache`).
    pub(crate) secret_cache: SecretCache,
    /// Keys' policies and grants (`keystore::access`).
    pub(crate) access: AccessCache,
    /// The users and access keys (`keystore::iam_cache`); `None` until first used.
    pub(crate) iam: RwLock<Option<IamState>>,
    /// Serialises every change (and cache fill) so the cache always matches the file.
    change_lock: Mutex<()>,
    /// Earliest time any key has due work (rotation, destruction), in ms; `i64::MAX` if none.
    pub(crate) next_due: AtomicI64,
    pub(crate) alarm: RwLock<Option<Alarm>>,
    /// Set when secret records (a destroyed key's, deleted material, a used or expired wrapping
    /// key, the old wrap of the root key) were removed, as the file's `meta["scrub_pending"]`
    /// mark is (in the same transaction): the file is rewritten soon after ([`Keystore::scrub_now`]),
    /// or at close, or at the next open if the process ended first.
    pub(crate) scrub_pending: AtomicBool,
    /// False over a test backend, which has no file to replace.
    pub(crate) rewritable: bool,
    pub(crate) audit: Arc<AuditLog>,
    pub(crate) integrity: Arc<Integrity>,
    /// The background audit writer; stopped (after a last flush) before the file closes.
    pub(crate) audit_writer: Option<AuditWriter>,
    /// The process that opened the keystore: no other (a `fork()` child) may use the handle.
    owner: Owner,
}

impl fmt::Debug for Keystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keystore")
            .field("path", &self.path)
            .field("keystore_id", &self.id_str)
            .finish_non_exhaustive()
    }
}

impl Keystore {
    pub(crate) fn assemble(
        db: Db,
        at: Location<'_>,
        id: u128,
        root: Key256,
        options: &Options,
    ) -> Self {
        Keystore {
            owner: db.owner().clone(),
            rewritable: matches!(at, Location::File(_)),
            db: Arc::new(LiveDb::new(db)),
            audit: Arc::new(AuditLog::new(&root, id, &options.caller, &options.audit)),
            integrity: Arc::new(Integrity::new(&root, id)),
            audit_writer: None,
            path: at.path().to_path_buf(),
            id,
            id_str: uuid::Uuid::from_u128(id).to_string(),
            aws_arn_prefix: format!(
                "arn:aws:kms:{}:{}:",
                options.aws_region, options.aws_account_id
            ),
            secret_arn_prefix: format!(
                "arn:aws:secretsmanager:{}:{}:secret:",
                options.aws_region, options.aws_account_id
            ),
            aws_account_id: options.aws_account_id.clone(),
            sealer: RecordSealer::new(id, &root),
            material_ids: hmac_key(&root, id, MATERIAL_ID_INFO),
            root,
            clock: options.clock.clone(),
            max_keys: options.max_keys,
            caller: options.caller.clone(),
            key_cache: (0..KEY_CACHE_SHARDS)
                .map(|_| RwLock::new(HashMap::new()))
                .collect(),
            thread_keys: ThreadKeys::default(),
            aliases: RwLock::new(HashMap::new()),
            secret_cache: SecretCache::default(),
            access: AccessCache::default(),
            iam: RwLock::new(None),
            change_lock: Mutex::new(()),
            next_due: AtomicI64::new(i64::MIN),
            alarm: RwLock::new(None),
            scrub_pending: AtomicBool::new(false),
        }
    }

    /// Starts the background audit writer.
    pub(crate) fn start_audit_writer(&mut self) {
        self.audit_writer = Some(AuditWriter::start(
            self.db.clone(),
            self.audit.clone(),
            self.integrity.clone(),
            self.clock.clone(),
        ));
    }

    /// Runs `f`, recording the call in the audit trail unless `f` already wrote its event in the
    /// transaction of its state change. `key_ref` is the key the call names, if any: a call
    /// refused before it looked the key up (a `Validation` error) is still recorded under it.
    ///
    /// In a process other than the one that opened the keystore (a `fork()` child) the call is
    /// refused with `Locked` before anything runs or is recorded (see [`Self::same_process`]).
    pub(crate) fn logged<T>(
        &self,
        operation: Operation,
        key_ref: Option<&str>,
        context: Option<&EncryptionContext>,
        f: impl FnOnce(&mut Subject) -> Result<T>,
    ) -> Result<T> {
        self.same_process(!is_crypto(operation))?;
        let mut s = Subject::default();
        let r = match f(&mut s) {
            Ok(_) if self.in_dry_run() => Err(dry_run::refusal()),
            r => r,
        };
        if self.audit.enabled() && !(s.logged && r.is_ok()) {
            if r.is_err() && s.key.is_none() {
                s.key = self.refused_key(key_ref);
            }
            if r.is_ok()
                && let (Some(key), Some(usage)) = (s.key, &s.usage)
                && self.audit.count(operation, key, usage)
            {
                return r;
            }
            let full = self.audit.record(PendingEvent {
                key: s.key,
                version: s.version,
                context: s
                    .context
                    .take()
                    .or_else(|| EncryptionContext::shared(context)),
                outcome: r.as_ref().err().map_or("ok", Error::name),
                ..PendingEvent::new(s.now.unwrap_or_else(|| self.clock.now()), operation)
            });
            if full
                && let Err(e) = self.same_process(true).and_then(|()| {
                    writer::flush(
                        &self.db,
                        &self.audit,
                        &self.integrity,
                        self.clock.now(),
                        false,
                    )
                })
            {
                self.audit.set_failure(e);
            }
        }
        r
    }

    /// Whether this thread is in a dry run of this keystore ([`Keystore::dry_run`]).
    #[inline]
    pub(crate) fn in_dry_run(&self) -> bool {
        dry_run::active(self.audit.scope_owner())
    }

    /// `Locked` if this is not the process that opened the keystore: a `fork()` child shares the
    /// parent's file, its lock and its redb state but has none of its threads, so any use would
    /// lose writes or corrupt the file. With the `pthread_atfork` counter this is one relaxed
    /// atomic load. Where that counter could not be set up, the process id (a system call) is
    /// compared only if `thorough`: every call but the cryptographic ones, and everything that
    /// reads or writes the file (the cryptographic calls served from memory are then let through
    /// in a child; their nonces are still fork-safe, `crypto::nonce_session`).
    #[inline(always)]
    pub(crate) fn same_process(&self, thorough: bool) -> Result<()> {
        if self.owner.forked(thorough) {
            return Err(forked(self.owner.pid()));
        }
        Ok(())
    }

    /// The key a refused call named, for its audit event (out of line: only refusals need it).
    #[cold]
    #[inline(never)]
    fn refused_key(&self, key_ref: Option<&str>) -> Option<u128> {
        key_ref.and_then(|k| self.lookup(k).ok())
    }

    /// Commits the audit events still in memory (including summaries) now.
    pub(crate) fn flush_audit(&self) -> Result<()> {
        self.same_process(true)?;
        if let Some(e) = self.audit.take_failure() {
            return Err(e);
        }
        writer::flush(
            &self.db,
            &self.audit,
            &self.integrity,
            self.clock.now(),
            true,
        )
    }

    /// Notes in `tx` that it removes secret records: the file must be rewritten (the mark is
    /// in the file, so it survives a crash; the flag in memory says to do it soon).
    pub(crate) fn mark_scrub(&self, tx: &redb::WriteTransaction) -> Result<()> {
        live::mark_scrub(tx)?;
        self.scrub_pending.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// If secret records were removed, moves every live record into a fresh file that replaces
    /// this one, so no removed record remains in the file's bytes, and swaps the handle onto it
    /// while other threads go on using the keystore. Holds the change lock and a write
    /// transaction on the old file throughout, so no commit lands in the old file after its
    /// records were copied (a writer that waited for it begins again on the new file); the
    /// crypto path takes neither. On failure the mark stays in the file and the flag in memory:
    /// the next maintenance, `close` or open tries again.
    pub(crate) fn scrub_now(&self) -> Result<()> {
        if !self.rewritable || !self.scrub_pending.load(Ordering::Relaxed) {
            return Ok(());
        }
        let _g = self.lock();
        if !self.scrub_pending.load(Ordering::Relaxed) {
            return Ok(()); // another thread did it meanwhile
        }
        let old = self.db.get();
        no_panic("the keystore file", || {
            let hold = old.begin_write()?;
            let fresh = file::rewrite(&old, &self.path)?;
            live::clear_scrub(&fresh)?;
            self.db.replace(fresh);
            self.scrub_pending.store(false, Ordering::Relaxed);
            drop(hold);
            Ok(())
        })
    }

    /// [`Keystore::scrub_now`] after an operation that already succeeded: a failure leaves the
    /// mark in the file, for the next maintenance, `close` or open.
    pub(crate) fn scrub_soon(&self) {
        let _ = self.scrub_now();
    }

    /// Takes the change lock.
    pub(crate) fn lock(&self) -> MutexGuard<'_, ()> {
        self.change_lock.lock()
    }

    // ----- transactions (each refused in a forked child) -----

    pub(crate) fn read<T>(&self, f: impl FnOnce(&redb::ReadTransaction) -> Result<T>) -> Result<T> {
        self.same_process(true)?;
        no_panic("the keystore file", || f(&self.db.get().begin_read()?))
    }

    /// Runs `f` in one write transaction with the audit `events` of its change (and any queued
    /// events before them), and commits it durably. `touched` names the record buckets `f`
    /// changes, for the keystore-wide commitment. In a dry run nothing is written: the change
    /// passed every check, and the answer is `DryRunOperation` (`keystore::dry_run`).
    pub(crate) fn write(
        &self,
        touched: &[Bucket],
        events: &[PendingEvent],
        f: impl FnOnce(&redb::WriteTransaction) -> Result<()>,
    ) -> Result<()> {
        self.same_process(true)?;
        if self.in_dry_run() {
            return Err(dry_run::refusal());
        }
        let now = self.clock.now();
        writer::write(
            &self.db,
            &self.audit,
            &self.integrity,
            now,
            touched,
            events,
            f,
        )
    }
}

/// The calls of the encrypt/decrypt path, on which the fallback fork check makes no system call.
#[inline(always)]
fn is_crypto(operation: Operation) -> bool {
    matches!(
        operation,
        Operation::Encrypt
            | Operation::Decrypt
            | Operation::ReEncrypt
            | Operation::GenerateDataKey
            | Operation::GenerateDataKeyWithoutPlaintext
            | Operation::GenerateRandom
            | Operation::GetPublicKey
            | Operation::Sign
            | Operation::Verify
            | Operation::GenerateMac
            | Operation::VerifyMac
            | Operation::DeriveSharedSecret
            | Operation::GenerateDataKeyPair
            | Operation::GenerateDataKeyPairWithoutPlaintext
    )
}
