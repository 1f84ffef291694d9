//! The keystore handle: opening and closing the file, the passphrase, and the in-memory cache of
//! unsealed keys that keeps the encrypt path free of file I/O.

use crate::audit::{AuditLog, AuditOptions, Pending, Subject};
use crate::clock::{Clock, SystemClock, Timestamp};
use crate::header::Header;
use crate::kdf::{KdfParams, check_passphrase};
use crate::model::{KeyMetadata, KeyRecord, KeyState, KeyUsage, RotationType};
use crate::record::{AliasRecord, RecordSealer, Slot, VersionRecord};
use crate::secret::Key256;
use crate::store::{self, ALIASES, HEADER_KEY, KEYS, Location, META, VERSIONS};
use crate::xaes::XaesKey;
use crate::{Error, Result};
use parking_lot::{Mutex, MutexGuard, RwLock};
use redb::ReadableDatabase;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Default quota on the number of keys.
pub const DEFAULT_MAX_KEYS: u64 = 100_000;
const SHARDS: usize = 64;

/// Options for [`Keystore::create`] and [`Keystore::open`].
#[derive(Clone, Debug)]
pub struct Options {
    /// Where the keystore reads time (default: the system clock).
    pub clock: Arc<dyn Clock>,
    /// Quota on the number of keys, in any state (default 100,000; at least 1).
    pub max_keys: u64,
    /// Who is using the keystore, as the audit trail records it (default: the program's name).
    pub caller: String,
    /// Argon2id cost for a new keystore (ignored by `open`, which reads it from the file).
    pub kdf: KdfParams,
    /// What the audit trail records, and for how long.
    pub audit: AuditOptions,
    /// Refuse to open a file whose [`Keystore::generation`] is below this (a rolled-back copy).
    pub min_generation: Option<u64>,
    /// Admits Argon2id parameters below OWASP's floor, such as
    /// [`KdfParams::INSECURE_FAST_FOR_TESTS`]. For throwaway test keystores only.
    pub allow_insecure_test_kdf: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            clock: Arc::new(SystemClock),
            max_keys: DEFAULT_MAX_KEYS,
            caller: default_caller(),
            kdf: KdfParams::default(),
            audit: AuditOptions::default(),
            min_generation: None,
            allow_insecure_test_kdf: false,
        }
    }
}

impl Options {
    /// The fast test profile: [`KdfParams::INSECURE_FAST_FOR_TESTS`], explicitly allowed. Never
    /// use it for keys that matter.
    pub fn insecure_fast_for_tests() -> Self {
        Options {
            kdf: KdfParams::INSECURE_FAST_FOR_TESTS,
            allow_insecure_test_kdf: true,
            ..Options::default()
        }
    }

    fn check(&self) -> Result<()> {
        if self.caller.is_empty() || self.caller.len() > 256 {
            return Err(Error::Validation("caller must be 1 to 256 bytes".into()));
        }
        if self.max_keys == 0 {
            return Err(Error::Validation("max_keys must be at least 1".into()));
        }
        Ok(())
    }
}

/// The running program's file name, or `"strongroom"`.
fn default_caller() -> String {
    std::env::args_os()
        .next()
        .and_then(|a| {
            Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "strongroom".into())
}

/// One unsealed backing-key version.
pub(crate) struct Version {
    pub number: u32,
    /// Process-unique id, naming this version's nonce sessions.
    pub uid: u64,
    pub created: Timestamp,
    pub rotation_type: RotationType,
    pub key: XaesKey,
    #[cfg(feature = "insecure-test-hooks")]
    pub material: Key256,
}

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

impl Version {
    pub fn new(number: u32, rec: VersionRecord) -> Self {
        Version {
            number,
            uid: NEXT_UID.fetch_add(1, Ordering::Relaxed),
            created: rec.created,
            rotation_type: rec.rotation_type,
            key: XaesKey::new(rec.material.bytes()),
            #[cfg(feature = "insecure-test-hooks")]
            material: rec.material,
        }
    }
}

/// An unsealed key: its record and every version of its material. A clone shares the versions
/// and the usage counters.
#[derive(Clone)]
pub(crate) struct KeyData {
    pub id: u128,
    pub rec: KeyRecord,
    /// `versions[n - 1]` is version `n`.
    pub versions: Vec<Arc<Version>>,
    /// Calls counted for the audit trail's `Summary` level (kept across changes of the key).
    pub usage: Arc<crate::audit::Usage>,
}

impl KeyData {
    pub fn new(id: u128, rec: KeyRecord, versions: Vec<Arc<Version>>) -> Self {
        KeyData {
            id,
            rec,
            versions,
            usage: Arc::default(),
        }
    }

    pub fn version(&self, n: u32) -> Option<&Arc<Version>> {
        n.checked_sub(1).and_then(|i| self.versions.get(i as usize))
    }
}

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
    pub(crate) db: Arc<store::Db>,
    path: PathBuf,
    pub(crate) id: u128,
    id_str: String,
    pub(crate) sealer: RecordSealer,
    pub(crate) root: Key256,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_keys: u64,
    caller: String,
    keys: Vec<RwLock<HashMap<u128, Arc<KeyData>>>>,
    /// Per-thread handles on the keys in `keys`, for the crypto path.
    handles: crate::local::Handles,
    pub(crate) aliases: RwLock<HashMap<String, AliasRecord>>,
    /// Serialises every change (and cache fill) so the cache always matches the file.
    mutate: Mutex<()>,
    /// Earliest time any key has due work (rotation, destruction), in ms; `i64::MAX` if none.
    pub(crate) next_due: AtomicI64,
    pub(crate) alarm: RwLock<Option<crate::lifecycle::Alarm>>,
    /// Set when a key was destroyed: the file is rewritten when the handle is next exclusive (on
    /// close, or at the end of open), so no freed page still holds its records.
    pub(crate) destroyed: std::sync::atomic::AtomicBool,
    /// False over a test backend, which has no file to replace.
    rewritable: bool,
    pub(crate) audit: Arc<AuditLog>,
    pub(crate) integrity: crate::integrity::Integrity,
    /// The background audit writer; stopped (after a last flush) before the file closes.
    flusher: Option<crate::flusher::Flusher>,
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
    /// Creates a new keystore file at `path` (which must not exist) with a fresh random root key
    /// wrapped under `passphrase` (1 to 1024 bytes).
    pub fn create(path: impl AsRef<Path>, passphrase: &[u8], options: &Options) -> Result<Self> {
        Self::create_at(Location::File(path.as_ref()), passphrase, options)
    }

    fn create_at(at: Location<'_>, passphrase: &[u8], options: &Options) -> Result<Self> {
        check_passphrase(passphrase)?;
        options.check()?;
        options.kdf.check(options.allow_insecure_test_kdf)?;
        let root = Key256::random()?;
        let id = uuid::Uuid::new_v4().as_u128();
        let header = Header::seal(id, options.kdf, passphrase, &root)?;
        let db = store::create(at, &header)?;
        let mut ks = Self::assemble(db, at, id, root, options);
        ks.next_due.store(i64::MAX, Ordering::Relaxed);
        ks.write(
            &[],
            &[Pending::new(ks.clock.now(), "CreateKeystore")],
            |tx| ks.integrity.init(tx),
        )?;
        ks.start_flusher();
        Ok(ks)
    }

    /// Opens the keystore at `path`. A wrong passphrase fails with `AuthenticationFailed` and
    /// leaves the file untouched; another process holding it gives `Locked` at once.
    pub fn open(path: impl AsRef<Path>, passphrase: &[u8], options: &Options) -> Result<Self> {
        Self::open_at(Location::File(path.as_ref()), passphrase, options)
    }

    /// Test hook: [`Keystore::create`] over a redb storage backend instead of a file, e.g. one
    /// that injects I/O faults. Each clone of `backend` must reach the same bytes. A keystore
    /// over a backend is not rewritten after a key is destroyed (destroyed records stay in freed
    /// pages). Present only with the `insecure-test-hooks` feature.
    #[cfg(feature = "insecure-test-hooks")]
    pub fn create_with_test_backend<B: redb::StorageBackend + Clone>(
        backend: &B,
        passphrase: &[u8],
        options: &Options,
    ) -> Result<Self> {
        let make = || store::Boxed(Box::new(backend.clone()));
        Self::create_at(Location::Backend(&make), passphrase, options)
    }

    /// Test hook: [`Keystore::open`] over a redb storage backend (see
    /// [`Keystore::create_with_test_backend`]).
    #[cfg(feature = "insecure-test-hooks")]
    pub fn open_with_test_backend<B: redb::StorageBackend + Clone>(
        backend: &B,
        passphrase: &[u8],
        options: &Options,
    ) -> Result<Self> {
        let make = || store::Boxed(Box::new(backend.clone()));
        Self::open_at(Location::Backend(&make), passphrase, options)
    }

    fn open_at(at: Location<'_>, passphrase: &[u8], options: &Options) -> Result<Self> {
        check_passphrase(passphrase)?;
        options.check()?;
        let (header, db) = match store::read_header_readonly(at)? {
            Some(h) => (h, None),
            None => {
                // After a crash redb must repair the file before anything can be read.
                let db = store::open_writable(at)?;
                (
                    store::no_panic("the keystore header", || store::read_header(&*db))?,
                    Some(db),
                )
            }
        };
        header.kdf.check_stored(options.allow_insecure_test_kdf)?;
        let root = header.unwrap_root(passphrase)?;
        let db = match db {
            Some(db) => db,
            None => store::open_writable(at)?,
        };
        // The header may not change between the read-only look and the writable open.
        let again = store::no_panic("the keystore header", || store::read_header(&*db))?;
        if again.encode() != header.encode() {
            return Err(Error::Corrupt(
                "the keystore header changed while opening; retry".into(),
            ));
        }
        let ks = Self::assemble(db, at, header.keystore_id, root, options);
        ks.maintain()?;
        ks.write(&[], &[Pending::new(ks.clock.now(), "OpenKeystore")], |_| {
            Ok(())
        })?;
        if let Some(min) = options.min_generation {
            let generation = ks.generation()?;
            if generation < min {
                return Err(Error::Corrupt(format!(
                    "the keystore file is at generation {generation}, older than the {min} \
                     expected: it was rolled back or replaced by an older copy"
                )));
            }
        }
        let mut ks = ks.rewrite_if_destroyed()?;
        ks.start_flusher();
        Ok(ks)
    }

    fn assemble(
        db: store::Db,
        at: Location<'_>,
        id: u128,
        root: Key256,
        options: &Options,
    ) -> Self {
        Keystore {
            rewritable: matches!(at, Location::File(_)),
            db: Arc::new(db),
            audit: Arc::new(AuditLog::new(&root, id, &options.caller, &options.audit)),
            integrity: crate::integrity::Integrity::new(&root, id),
            flusher: None,
            path: at.path().to_path_buf(),
            id,
            id_str: uuid::Uuid::from_u128(id).to_string(),
            sealer: RecordSealer::new(id, &root),
            root,
            clock: options.clock.clone(),
            max_keys: options.max_keys,
            caller: options.caller.clone(),
            keys: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            handles: Default::default(),
            aliases: RwLock::new(HashMap::new()),
            mutate: Mutex::new(()),
            next_due: AtomicI64::new(i64::MIN),
            alarm: RwLock::new(None),
            destroyed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Closes the keystore: writes the audit events still in memory, then flushes and unlocks
    /// the file.
    pub fn close(mut self) -> Result<()> {
        if let Some(f) = self.flusher.take() {
            f.stop();
        }
        self.write(
            &[],
            &[Pending::new(self.clock.now(), "CloseKeystore")],
            |_| Ok(()),
        )?;
        if let Some(e) = self.audit.take_failure() {
            return Err(e);
        }
        let Keystore { db, .. } = self.rewrite_if_destroyed()?;
        match Arc::try_unwrap(db) {
            Ok(db) => db.close(),
            Err(_) => Ok(()), // not reachable: the writer thread was joined
        }
    }

    fn start_flusher(&mut self) {
        self.flusher = Some(crate::flusher::Flusher::start(
            self.db.clone(),
            self.audit.clone(),
            self.clock.clone(),
        ));
    }

    /// Runs `f`, recording the call in the audit trail unless `f` already wrote its event in the
    /// transaction of its state change. `key_ref` is the key the call names, if any: a call
    /// refused before it looked the key up (a `Validation` error) is still recorded under it.
    pub(crate) fn logged<T>(
        &self,
        operation: &'static str,
        key_ref: Option<&str>,
        context: Option<&crate::EncryptionContext>,
        f: impl FnOnce(&mut Subject) -> Result<T>,
    ) -> Result<T> {
        let mut s = Subject::default();
        let r = f(&mut s);
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
            let full = self.audit.record(Pending {
                key: s.key,
                version: s.version,
                context: crate::EncryptionContext::shared(context),
                outcome: r.as_ref().err().map_or("ok", Error::name),
                ..Pending::new(s.now.unwrap_or_else(|| self.clock.now()), operation)
            });
            if full
                && let Err(e) =
                    crate::flusher::flush(&self.db, &self.audit, self.clock.now(), false)
            {
                self.audit.set_failure(e);
            }
        }
        r
    }

    /// The key a refused call named, for its audit event (out of line: only refusals need it).
    #[cold]
    #[inline(never)]
    fn refused_key(&self, key_ref: Option<&str>) -> Option<u128> {
        key_ref.and_then(|k| self.lookup(k).ok())
    }

    /// Commits the audit events still in memory (including summaries) now.
    pub(crate) fn flush_audit(&self) -> Result<()> {
        if let Some(e) = self.audit.take_failure() {
            return Err(e);
        }
        crate::flusher::flush(&self.db, &self.audit, self.clock.now(), true)
    }

    /// After a key was destroyed, moves every live record into a fresh file that replaces this
    /// one, so no destroyed record remains in the file's bytes.
    fn rewrite_if_destroyed(self) -> Result<Self> {
        if !self.destroyed.swap(false, Ordering::Relaxed) || !self.rewritable {
            return Ok(self);
        }
        let fresh = store::rewrite(&self.db, &self.path)?;
        Ok(Keystore {
            db: Arc::new(fresh),
            ..self
        })
    }

    /// This keystore's id (a UUID), part of every ARN.
    pub fn keystore_id(&self) -> &str {
        &self.id_str
    }

    /// The caller label given when opening.
    pub fn caller(&self) -> &str {
        &self.caller
    }

    /// The file this keystore lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Re-wraps the root key under `new` (fresh salt, same Argon2id cost). Only the header
    /// changes, whatever the number of keys. A wrong `old` is `AuthenticationFailed`.
    pub fn change_passphrase(&self, old: &[u8], new: &[u8]) -> Result<()> {
        self.logged("ChangePassphrase", None, None, |s| {
            check_passphrase(old)?;
            check_passphrase(new)?;
            let _guard = self.mutate.lock();
            let header = store::no_panic("the keystore header", || store::read_header(&**self.db))?;
            let current = header.unwrap_root(old)?;
            if current.bytes() != self.root.bytes() {
                return Err(Error::Corrupt(
                    "the keystore header no longer matches this handle".into(),
                ));
            }
            let fresh = Header::seal(self.id, header.kdf, new, &self.root)?;
            let event = Pending::new(self.clock.now(), "ChangePassphrase");
            self.write(&[], &[event], |tx| {
                tx.open_table(META)?
                    .insert(HEADER_KEY, fresh.encode().as_slice())?;
                Ok(())
            })?;
            s.logged = true;
            Ok(())
        })
    }

    /// `arn:strongroom:kms:local:<keystore id>:<resource>`.
    pub(crate) fn arn(&self, resource: impl std::fmt::Display) -> String {
        format!("arn:strongroom:kms:local:{}:{resource}", self.id_str)
    }

    /// The ARN of the key that `key_ref` (key id, key ARN, alias name or alias ARN) names: a
    /// lookup of the name only. It neither reads the key nor checks that it exists, and is not
    /// an operation on a key, so it is not audited; a surface uses it to report the ARN of the
    /// key an operation it just made acted on, as AWS KMS's responses do.
    ///
    /// ```
    /// # use strongroom::{CreateKey, Keystore, Options};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let key = ks.create_key(&CreateKey::default())?;
    /// ks.create_alias("alias/app", &key.key_id)?;
    /// assert_eq!(ks.key_arn_of("alias/app")?, key.arn);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_arn_of(&self, key_ref: &str) -> Result<String> {
        Ok(self.key_arn(self.lookup(key_ref)?))
    }

    pub(crate) fn key_arn(&self, id: u128) -> String {
        // Formatted in one pass: it runs on every decrypt.
        self.arn(format_args!("key/{}", uuid::Uuid::from_u128(id)))
    }

    pub(crate) fn metadata(&self, k: &KeyData) -> KeyMetadata {
        let r = &k.rec;
        KeyMetadata {
            key_id: uuid::Uuid::from_u128(k.id).to_string(),
            arn: self.key_arn(k.id),
            description: r.description.clone(),
            key_spec: r.key_spec,
            key_usage: r.key_usage,
            origin: r.origin,
            key_state: r.key_state,
            enabled: r.key_state == KeyState::Enabled,
            creation_date: r.creation_date,
            deletion_date: r.deletion_date,
            pending_deletion_window_in_days: r.pending_window_days,
            valid_to: r.valid_to,
            expiration_model: r.expiration_model,
        }
    }

    // ----- key references -----

    /// Resolves a key id, key ARN, alias name or alias ARN to a key id. Does not load the key.
    pub(crate) fn resolve(&self, key_ref: &str) -> Result<u128> {
        self.maintain_if_due()?;
        self.lookup(key_ref)
    }

    /// As [`Self::resolve`], without running due work.
    fn lookup(&self, key_ref: &str) -> Result<u128> {
        if key_ref.is_empty() || key_ref.len() > 2048 {
            return Err(Error::Validation(
                "a key id must be 1 to 2048 characters: a key id, key ARN, alias name or alias ARN"
                    .into(),
            ));
        }
        let local = match key_ref.strip_prefix("arn:") {
            Some(_) => {
                let prefix = self.arn("");
                key_ref.strip_prefix(prefix.as_str()).ok_or_else(|| {
                    Error::NotFound(format!(
                        "{key_ref:?} is not an ARN of this keystore ({prefix}...)"
                    ))
                })?
            }
            None => key_ref,
        };
        if local.starts_with("alias/") {
            return self
                .alias(local)?
                .map(|a| a.target)
                .ok_or_else(|| Error::NotFound(format!("alias {local:?} does not exist")));
        }
        let id = local.strip_prefix("key/").unwrap_or(local);
        parse_key_id(id).ok_or_else(|| {
            Error::NotFound(format!(
                "{key_ref:?} is not a key id, key ARN, alias name or alias ARN"
            ))
        })
    }

    /// Looks up an alias (cached after the first read).
    pub(crate) fn alias(&self, name: &str) -> Result<Option<AliasRecord>> {
        if let Some(a) = self.aliases.read().get(name) {
            return Ok(Some(a.clone()));
        }
        let _g = self.mutate.lock();
        self.alias_locked(name)
    }

    pub(crate) fn alias_locked(&self, name: &str) -> Result<Option<AliasRecord>> {
        if let Some(a) = self.aliases.read().get(name) {
            return Ok(Some(a.clone()));
        }
        let found = self.read(|tx| {
            self.integrity
                .verify(tx, crate::integrity::Bucket::alias(name))
                .map_err(|e| Error::Corrupt(format!("alias {name}: {}", e.message())))?;
            let t = tx.open_table(ALIASES)?;
            Ok(t.get(name)?.map(|v| v.value().to_vec()))
        })?;
        let Some(sealed) = found else { return Ok(None) };
        let rec = AliasRecord::decode(&self.sealer.open(&Slot::alias(name), &sealed)?)?;
        self.aliases.write().insert(name.to_owned(), rec.clone());
        Ok(Some(rec))
    }

    // ----- the key cache -----

    fn shard(&self, id: u128) -> &RwLock<HashMap<u128, Arc<KeyData>>> {
        &self.keys[(id as usize) % SHARDS]
    }

    /// The unsealed key `id`, from the cache or the file. `NotFound` if there is no such key.
    pub(crate) fn key(&self, id: u128) -> Result<Arc<KeyData>> {
        if let Some(k) = self.shard(id).read().get(&id) {
            return Ok(k.clone());
        }
        let guard = self.mutate.lock();
        self.key_locked(id, &guard)
    }

    /// As [`Self::key`], for a caller already holding the change lock.
    pub(crate) fn key_locked(&self, id: u128, _proof: &MutexGuard<'_, ()>) -> Result<Arc<KeyData>> {
        if let Some(k) = self.shard(id).read().get(&id) {
            return Ok(k.clone());
        }
        let k = Arc::new(self.load_key(id)?);
        self.shard(id).write().insert(id, k.clone());
        Ok(k)
    }

    fn load_key(&self, id: u128) -> Result<KeyData> {
        let (rec, versions) = self.read(|tx| {
            self.integrity
                .verify(tx, crate::integrity::Bucket::key(id))
                .map_err(|e| {
                    Error::Corrupt(format!(
                        "key {}: {}",
                        uuid::Uuid::from_u128(id),
                        e.message()
                    ))
                })?;
            let Some(rec) = tx.open_table(KEYS)?.get(id)?.map(|v| v.value().to_vec()) else {
                return Ok((None, Vec::new()));
            };
            let t = tx.open_table(VERSIONS)?;
            let mut versions = Vec::new();
            for row in t.range((id, 0)..=(id, u32::MAX))? {
                let (k, v) = row?;
                versions.push((k.value().1, v.value().to_vec()));
            }
            Ok((Some(rec), versions))
        })?;
        let Some(rec) = rec else {
            return Err(Error::NotFound(format!(
                "key {} does not exist (it may have been deleted)",
                uuid::Uuid::from_u128(id)
            )));
        };
        let rec = KeyRecord::decode(&self.sealer.open(&Slot::key(id), &rec)?)?;
        let mut list = Vec::with_capacity(versions.len());
        for (i, (n, sealed)) in versions.into_iter().enumerate() {
            if n as usize != i + 1 {
                return Err(Error::Corrupt(format!(
                    "key {} is missing backing-key version {}; restore the keystore from a backup",
                    uuid::Uuid::from_u128(id),
                    i + 1
                )));
            }
            let plain = self.sealer.open(&Slot::version(id, n), &sealed)?;
            list.push(Arc::new(Version::new(n, VersionRecord::decode(&plain)?)));
        }
        if list.len() != rec.current_version as usize {
            return Err(Error::Corrupt(format!(
                "key {} should have {} backing-key versions but has {}; restore the keystore from a backup",
                uuid::Uuid::from_u128(id),
                rec.current_version,
                list.len()
            )));
        }
        Ok(KeyData::new(id, rec, list))
    }

    /// Replaces the cached key after its change was committed.
    pub(crate) fn cache_key(&self, mut k: KeyData) -> Arc<KeyData> {
        let mut shard = self.shard(k.id).write();
        if let Some(old) = shard.get(&k.id) {
            k.usage = old.usage.clone();
        }
        let k = Arc::new(k);
        shard.insert(k.id, k.clone());
        self.handles.invalidate();
        k
    }

    /// Drops a destroyed key from the cache.
    pub(crate) fn forget_key(&self, id: u128) {
        self.shard(id).write().remove(&id);
        self.handles.invalidate();
    }

    /// Takes the change lock.
    pub(crate) fn lock(&self) -> MutexGuard<'_, ()> {
        self.mutate.lock()
    }

    /// A key that is usable for `usage` right now: `Disabled` and `InvalidState` otherwise (a
    /// refused use of a disabled or pending-deletion key also rings the alarm).
    pub(crate) fn usable(
        &self,
        key_ref: &str,
        usage: KeyUsage,
        operation: &'static str,
        s: &mut Subject,
    ) -> Result<Arc<KeyData>> {
        s.now = Some(self.maintain_if_due()?);
        let k = self.used_key(self.lookup(key_ref)?, usage, operation, s)?;
        s.version = Some(k.rec.current_version);
        Ok(k)
    }

    /// Key `id` for a cryptographic use (after due work ran): this thread's handle, checked to be
    /// usable, recorded in the call's subject.
    pub(crate) fn used_key(
        &self,
        id: u128,
        usage: KeyUsage,
        operation: &'static str,
        s: &mut Subject,
    ) -> Result<Arc<KeyData>> {
        s.key = Some(id);
        let k = self.handles.key(id, || self.key(id))?;
        self.check_usable(&k, usage, operation)?;
        if self.audit.counts_usage() {
            s.usage = Some(k.usage.clone());
        }
        Ok(k)
    }

    pub(crate) fn check_usable(
        &self,
        k: &KeyData,
        usage: KeyUsage,
        operation: &'static str,
    ) -> Result<()> {
        check_usable(k, usage).inspect_err(|e| self.ring_alarm(k, operation, e))
    }

    // ----- transactions -----

    pub(crate) fn read<T>(&self, f: impl FnOnce(&redb::ReadTransaction) -> Result<T>) -> Result<T> {
        store::no_panic("the keystore file", || f(&self.db.begin_read()?))
    }

    /// Runs `f` in one write transaction and commits it durably.
    /// Runs `f` in one write transaction with the audit `events` of its change (and any queued
    /// events before them), and commits it durably. `touched` names the record buckets `f`
    /// changes, for the keystore-wide commitment.
    pub(crate) fn write(
        &self,
        touched: &[crate::integrity::Bucket],
        events: &[Pending],
        f: impl FnOnce(&redb::WriteTransaction) -> Result<()>,
    ) -> Result<()> {
        let now = self.clock.now();
        crate::flusher::write(
            &self.db,
            &self.audit,
            &self.integrity,
            now,
            touched,
            events,
            f,
        )
    }

    /// The keystore's generation: a counter every committed change increments. An embedder that
    /// stores it elsewhere can detect a rollback of the whole file with
    /// [`Options::min_generation`].
    pub fn generation(&self) -> Result<u64> {
        self.read(|tx| self.integrity.generation(tx))
    }

    /// Test hook: the raw bytes of a backing key. Present only with the `insecure-test-hooks`
    /// feature, which release builds never enable.
    #[cfg(feature = "insecure-test-hooks")]
    pub fn insecure_backing_key_for_tests(&self, key_id: &str, version: u32) -> Result<[u8; 32]> {
        let k = self.key(self.resolve(key_id)?)?;
        let v = k
            .version(version)
            .ok_or_else(|| Error::NotFound("no such version".into()))?;
        Ok(*v.material.bytes())
    }
}

/// The state table of SPEC section 3 for cryptographic use.
pub(crate) fn check_usable(k: &KeyData, usage: KeyUsage) -> Result<()> {
    let id = uuid::Uuid::from_u128(k.id);
    match k.rec.key_state {
        KeyState::Enabled => {}
        KeyState::Disabled => {
            return Err(Error::Disabled(format!(
                "key {id} is disabled; enable it with enable_key to use it"
            )));
        }
        KeyState::PendingDeletion => {
            return Err(Error::InvalidState(format!(
                "key {id} is pending deletion and cannot be used; cancel_key_deletion first if it is still needed"
            )));
        }
        KeyState::PendingImport => {
            return Err(Error::InvalidState(format!(
                "key {id} has no key material; import it first"
            )));
        }
    }
    if k.rec.key_usage != usage {
        return Err(Error::InvalidKeyUsage(format!(
            "key {id} has usage {} and cannot be used for {}",
            k.rec.key_usage, usage
        )));
    }
    Ok(())
}

/// Parses a lowercase hyphenated UUID.
pub(crate) fn parse_key_id(s: &str) -> Option<u128> {
    if s.len() != 36 || s.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    uuid::Uuid::try_parse(s).ok().map(|u| u.as_u128())
}
