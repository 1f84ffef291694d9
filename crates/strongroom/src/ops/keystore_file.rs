//! The keystore file (SPEC section 2): create, open, close, change the passphrase; the
//! generation counter; the test hooks over a storage backend.

use crate::audit::log::AuditLog;
use crate::crypto::secret::Key256;
use crate::format::audit_batch::PendingEvent;
use crate::format::header::Header;
use crate::keystore::handle::Keystore;
use crate::keystore::options::Options;
use crate::model::operation::Operation;
use crate::rules::bounds::check_passphrase;
use crate::storage::file::{self, Location, no_panic};
use crate::storage::integrity::Integrity;
use crate::storage::live::scrub_marked;
use crate::storage::tables::{HEADER_KEY, META};
use crate::{Error, Result};
use redb::ReadableDatabase;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

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
        let db = file::create(at, &header)?;
        let mut ks = Self::assemble(db, at, id, root, options);
        ks.next_due.store(i64::MAX, Ordering::Relaxed);
        ks.write(
            &[],
            &[PendingEvent::new(ks.clock.now(), Operation::CreateKeystore)],
            |tx| ks.integrity.init(tx),
        )?;
        ks.start_audit_writer();
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
        let make = || file::Boxed(Box::new(backend.clone()));
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
        let make = || file::Boxed(Box::new(backend.clone()));
        Self::open_at(Location::Backend(&make), passphrase, options)
    }

    fn open_at(at: Location<'_>, passphrase: &[u8], options: &Options) -> Result<Self> {
        check_passphrase(passphrase)?;
        options.check()?;
        let (header, db) = match file::read_header_readonly(at)? {
            Some(h) => (h, None),
            None => {
                // After a crash redb must repair the file before anything can be read.
                let db = file::open_writable(at)?;
                (
                    no_panic("the keystore header", || file::read_header(&*db))?,
                    Some(db),
                )
            }
        };
        header.kdf.check_stored(options.allow_insecure_test_kdf)?;
        let root = header.unwrap_root(passphrase)?;
        // Nothing is written before the file passed these checks: a refused copy stays as it was.
        let checks = |tx: &redb::ReadTransaction| {
            Self::check_before_writing(tx, header.keystore_id, &root, options)
        };
        if db.is_none() {
            // `None`: repaired meanwhile by another opener; the check below stands.
            file::read_only(at, checks)?;
        }
        let db = match db {
            Some(db) => db,
            None => file::open_writable(at)?,
        };
        // The header may not change between the read-only look and the writable open.
        let again = no_panic("the keystore header", || file::read_header(&*db))?;
        if again.encode() != header.encode() {
            return Err(Error::Corrupt(
                "the keystore header changed while opening; retry".into(),
            ));
        }
        // Nor may the rest of the file (the same checks, now on the file that will be written).
        let scrub = no_panic("the keystore file", || checks(&db.begin_read()?))?;
        let mut ks = Self::assemble(db, at, header.keystore_id, root, options);
        if scrub {
            ks.scrub_pending.store(true, Ordering::Relaxed);
        }
        ks.maintain(true)?;
        ks.write(
            &[],
            &[PendingEvent::new(ks.clock.now(), Operation::OpenKeystore)],
            |_| Ok(()),
        )?;
        ks.scrub_now()?;
        ks.start_audit_writer();
        Ok(ks)
    }

    /// What opening checks before it writes anything: the keystore-wide commitment verifies,
    /// the generation is at least `min_generation`, and the audit trail ends at its head, the
    /// one the commitment binds. Returns whether the file notes a pending scrub.
    fn check_before_writing(
        tx: &redb::ReadTransaction,
        id: u128,
        root: &Key256,
        options: &Options,
    ) -> Result<bool> {
        let generation = Integrity::new(root, id).check_at_open(tx)?;
        if let Some(min) = options.min_generation
            && generation < min
        {
            return Err(Error::Corrupt(format!(
                "the keystore file is at generation {generation}, older than the {min} \
                 expected: it was rolled back or replaced by an older copy"
            )));
        }
        AuditLog::new(root, id, &options.caller, &options.audit).check_tail(tx)?;
        scrub_marked(tx)
    }

    /// Closes the keystore: writes the audit events still in memory, rewrites the file if secret
    /// records were removed (even when writing the events failed), then flushes and unlocks it.
    /// The first failure is returned. In a process other than the one that opened it (a `fork()`
    /// child) it is `Locked` and releases nothing: the file, its lock and the audit writer stay
    /// the opener's.
    pub fn close(mut self) -> Result<()> {
        // Dropping `self` here is safe in a child: the file and the writer thread leak there.
        self.same_process(true)?;
        if let Some(f) = self.audit_writer.take() {
            f.stop();
        }
        let written = self.write(
            &[],
            &[PendingEvent::new(
                self.clock.now(),
                Operation::CloseKeystore,
            )],
            |_| Ok(()),
        );
        let failure = self.audit.take_failure();
        let scrubbed = self.scrub_now();
        let Keystore { db, .. } = self;
        let closed = match Arc::try_unwrap(db) {
            Ok(db) => match Arc::try_unwrap(db.into_inner()) {
                Ok(db) => db.close(),
                Err(_) => Ok(()), // not reachable: nothing else holds the database now
            },
            Err(_) => Ok(()), // not reachable: the writer thread was joined
        };
        written?;
        if let Some(e) = failure {
            return Err(e);
        }
        scrubbed?;
        closed
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
        self.logged(Operation::ChangePassphrase, None, None, |s| {
            check_passphrase(old)?;
            check_passphrase(new)?;
            let _guard = self.lock();
            let header = no_panic("the keystore header", || {
                file::read_header(&**self.db.get())
            })?;
            let current = header.unwrap_root(old)?;
            if current.bytes() != self.root.bytes() {
                return Err(Error::Corrupt(
                    "the keystore header no longer matches this handle".into(),
                ));
            }
            let fresh = Header::seal(self.id, header.kdf, new, &self.root)?;
            let event = PendingEvent::new(self.clock.now(), Operation::ChangePassphrase);
            // The old header (the root key wrapped under the old passphrase) stays in a freed
            // page until the file is rewritten.
            self.write(&[], &[event], |tx| {
                tx.open_table(META)?
                    .insert(HEADER_KEY, fresh.encode().as_slice())?;
                self.mark_scrub(tx)
            })?;
            s.logged = true;
            Ok(())
        })?;
        self.scrub_soon();
        Ok(())
    }

    /// The keystore's generation: a counter every commit increments (changes, passphrase
    /// changes, import tokens issued and used, audit events written alone). An embedder that
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
        match &v.material {
            crate::format::records::Material::Symmetric(m) => Ok(*m.bytes()),
            crate::format::records::Material::Bytes(_) => {
                Err(Error::UnsupportedOperation("not a symmetric key".into()))
            }
        }
    }
}
