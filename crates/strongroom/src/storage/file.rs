//! The redb file: creating, opening (without ever panicking, or writing before the passphrase is
//! checked), closing, and rewriting it so no destroyed record survives in its bytes.

use crate::crypto::fork::Owner;
use crate::error::{forked, locked, storage};
use crate::format::header::Header;
use crate::model::operation::Operation;
use crate::storage::tables::{
    ALIASES, AUDIT, DESTROYED_KEYS, DUE, GRANTS, HEADER_KEY, IAM_ACCESS_KEYS, IAM_USERS,
    KEY_POLICIES, KEYS, LAST_USE, META, SECRET_DUE, SECRET_VERSIONS, SECRETS, VERSIONS,
    WRAPPING_KEYS,
};
use crate::{Error, Result};
use redb::{Database, ReadableDatabase, TableDefinition};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Where a keystore's bytes live: its file, or (tests only) a redb storage backend the caller
/// supplies, e.g. one that injects I/O faults.
#[derive(Clone, Copy)]
pub(crate) enum Location<'a> {
    File(&'a Path),
    /// Makes a fresh handle on the same storage: the keystore opens it twice, a read-only look
    /// at the header, then for writing.
    #[cfg(feature = "insecure-test-hooks")]
    Backend(&'a dyn Fn() -> Boxed),
}

impl Location<'_> {
    /// The path named in messages (a placeholder for a test backend).
    pub(crate) fn path(&self) -> &Path {
        match self {
            Location::File(p) => p,
            #[cfg(feature = "insecure-test-hooks")]
            Location::Backend(_) => Path::new("<test storage backend>"),
        }
    }
}

/// A boxed test backend as a [`redb::StorageBackend`] (redb takes one by value).
#[cfg(feature = "insecure-test-hooks")]
#[derive(Debug)]
pub(crate) struct Boxed(pub Box<dyn redb::StorageBackend>);

#[cfg(feature = "insecure-test-hooks")]
impl redb::StorageBackend for Boxed {
    fn len(&self) -> std::io::Result<u64> {
        self.0.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.0.read(offset, out)
    }
    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.0.set_len(len)
    }
    fn sync_data(&self) -> std::io::Result<()> {
        self.0.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        self.0.write(offset, data)
    }
    fn close(&self) -> std::io::Result<()> {
        self.0.close()
    }
}

/// Page cache redb may use.
const CACHE_BYTES: usize = 64 << 20;

/// Runs `f`, turning a panic inside a dependency (a damaged file can provoke one) into `Corrupt`.
pub(crate) fn no_panic<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::Corrupt(format!(
            "the keystore file is damaged: reading {what} failed; restore it from a backup"
        )))
    })
}

/// The open redb database. A damaged file can make redb panic, and the database then panics again
/// when it is dropped (a poisoned lock): closing and dropping run under [`no_panic`] too, so no
/// panic escapes the core.
///
/// In a `fork()` child the database is never closed nor dropped: redb's file lock is a `flock`
/// on the open file description the child shares with its parent, so unlocking it (or writing
/// redb's clean-shutdown state) there would take the file from under the parent. The child
/// leaks it instead.
pub(crate) struct Db {
    db: Option<Database>,
    owner: Owner,
}

impl Db {
    fn new(db: Database) -> Self {
        Db {
            db: Some(db),
            owner: Owner::this_process(),
        }
    }

    /// The process that opened the file.
    pub(crate) fn owner(&self) -> &Owner {
        &self.owner
    }

    /// Flushes and unlocks the file; in a forked child, `Locked` and nothing is released.
    pub(crate) fn close(mut self) -> Result<()> {
        let db = self.db.take();
        if self.owner.forked(true) {
            std::mem::forget(db);
            return Err(forked(self.owner.pid()));
        }
        no_panic("the keystore file", || match db {
            Some(db) => db.close().map_err(|e| storage(redb::Error::from(e))),
            None => Ok(()),
        })
    }
}

impl std::ops::Deref for Db {
    type Target = Database;
    fn deref(&self) -> &Database {
        // `None` only inside `close` and `drop`, which consume the handle.
        self.db
            .as_ref()
            .expect("the database is open until dropped")
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            if self.owner.forked(true) {
                std::mem::forget(db);
                return;
            }
            let _ = catch_unwind(AssertUnwindSafe(|| drop(db)));
        }
    }
}

fn builder() -> redb::Builder {
    let mut b = redb::Builder::new();
    b.set_cache_size(CACHE_BYTES);
    b
}

/// Maps a failure to open the file.
fn open_error(path: &Path, e: redb::DatabaseError) -> Error {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen | redb::DatabaseError::LockProtocolMismatch => {
            locked()
        }
        redb::DatabaseError::Storage(redb::StorageError::Io(io)) => io_error(path, io),
        redb::DatabaseError::Storage(
            e @ (redb::StorageError::PreviousIo
            | redb::StorageError::Backend(_)
            | redb::StorageError::Unsupported),
        ) => storage(e),
        redb::DatabaseError::UpgradeRequired(v) => Error::Corrupt(format!(
            "{} uses storage format {v}, which this release does not read",
            path.display()
        )),
        other => Error::Corrupt(format!(
            "{} is not a strongroom keystore or is damaged ({other}); restore it from a backup",
            path.display()
        )),
    }
}

fn io_error(path: &Path, io: std::io::Error) -> Error {
    use std::io::ErrorKind::*;
    match io.kind() {
        NotFound => Error::NotFound(format!(
            "no keystore at {}; create one first ({})",
            path.display(),
            Operation::CreateKeystore
        )),
        UnexpectedEof | InvalidData => Error::Corrupt(format!(
            "{} is truncated or not a strongroom keystore; restore it from a backup",
            path.display()
        )),
        _ => Error::Io(format!("{}: {io}", path.display())),
    }
}

/// Creates a new file holding `header`. Fails with `AlreadyExists` if anything is at `path`.
pub(crate) fn create(at: Location<'_>, header: &Header) -> Result<Db> {
    #[cfg(feature = "insecure-test-hooks")]
    if let Location::Backend(make) = at {
        let db = builder()
            .create_with_backend(make())
            .map_err(|e| open_error(at.path(), e))?;
        return no_panic("the keystore file", || init(Db::new(db), header));
    }
    let path = at.path();
    let file = new_file(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::AlreadyExists(format!(
            "{} already exists; open it, or choose another path",
            path.display()
        )),
        std::io::ErrorKind::NotFound => Error::Io(format!(
            "cannot create {}: its directory does not exist; create the directory first",
            path.display()
        )),
        _ => io_error(path, e),
    })?;
    let result = no_panic("the keystore file", || {
        let backend = redb::backends::FileBackend::new(file).map_err(|e| open_error(path, e))?;
        let db = builder()
            .create_with_backend(backend)
            .map_err(|e| open_error(path, e))?;
        init(Db::new(db), header)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

/// Who may read a keystore file that strongroom creates: its owner only. The file holds the
/// wrapped root key, which anyone who can read it can attack offline with passphrase guesses.
pub(crate) const FILE_MODE: u32 = 0o600;

/// Creates a file that did not exist (`O_CREAT | O_EXCL`: an existing entry, a symbolic link
/// included, is `AlreadyExists` and is never followed), readable and writable by its owner only.
fn new_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, FILE_MODE);
    o.open(path)
}

/// Writes the header and the empty tables of a new keystore.
fn init(db: Db, header: &Header) -> Result<Db> {
    let tx = db.begin_write().map_err(storage)?;
    tx.open_table(META)
        .map_err(storage)?
        .insert(HEADER_KEY, header.encode().as_slice())
        .map_err(storage)?;
    tx.open_table(KEYS).map_err(storage)?;
    tx.open_table(VERSIONS).map_err(storage)?;
    tx.open_table(ALIASES).map_err(storage)?;
    tx.open_table(DUE).map_err(storage)?;
    tx.open_table(WRAPPING_KEYS).map_err(storage)?;
    tx.open_table(AUDIT).map_err(storage)?;
    tx.open_table(DESTROYED_KEYS).map_err(storage)?;
    tx.open_table(LAST_USE).map_err(storage)?;
    tx.commit().map_err(storage)?;
    Ok(db)
}

/// Reads the header without writing anything to the file. `Ok(None)` means the file needs redb's
/// crash repair, which only a writable open performs.
pub(crate) fn read_header_readonly(at: Location<'_>) -> Result<Option<Header>> {
    no_panic("the keystore header", || {
        let opened = match at {
            Location::File(path) => builder().open_read_only(path),
            #[cfg(feature = "insecure-test-hooks")]
            Location::Backend(make) => builder().open_read_only_with_backend(make()),
        };
        let path = at.path();
        let db = match opened {
            Ok(db) => db,
            Err(redb::DatabaseError::RepairAborted) => return Ok(None),
            Err(e) => return Err(open_error(path, e)),
        };
        let header = read_header(&db)?;
        drop(db);
        Ok(Some(header))
    })
}

/// Runs `f` on a read-only view of the file, without writing anything to it. `Ok(None)` means
/// the file needs redb's crash repair, which only a writable open performs.
pub(crate) fn read_only<T>(
    at: Location<'_>,
    f: impl FnOnce(&redb::ReadTransaction) -> Result<T>,
) -> Result<Option<T>> {
    no_panic("the keystore file", || {
        let opened = match at {
            Location::File(path) => builder().open_read_only(path),
            #[cfg(feature = "insecure-test-hooks")]
            Location::Backend(make) => builder().open_read_only_with_backend(make()),
        };
        let db = match opened {
            Ok(db) => db,
            Err(redb::DatabaseError::RepairAborted) => return Ok(None),
            Err(e) => return Err(open_error(at.path(), e)),
        };
        let out = f(&db.begin_read().map_err(storage)?)?;
        drop(db);
        Ok(Some(out))
    })
}

/// Opens the file for writing (repairing it after a crash).
pub(crate) fn open_writable(at: Location<'_>) -> Result<Db> {
    no_panic("the keystore file", || {
        let opened = match at {
            Location::File(path) => builder().open(path),
            #[cfg(feature = "insecure-test-hooks")]
            Location::Backend(make) => builder().create_with_backend(make()),
        };
        opened.map(Db::new).map_err(|e| open_error(at.path(), e))
    })
}

pub(crate) fn read_header(db: &impl ReadableDatabase) -> Result<Header> {
    let tx = db.begin_read().map_err(storage)?;
    let table = tx.open_table(META).map_err(|e| match e {
        redb::TableError::TableDoesNotExist(_) => Error::Corrupt(
            "the file is a database but not a strongroom keystore (no keystore header)".into(),
        ),
        other => storage(other),
    })?;
    let value = table.get(HEADER_KEY).map_err(storage)?.ok_or_else(|| {
        Error::Corrupt(
            "the file is a database but not a strongroom keystore (no keystore header)".into(),
        )
    })?;
    Header::decode(value.value())
}

/// Copies every live record of `old` into a fresh file that then replaces `path` atomically, and
/// returns the new (open, locked) database. Used after keys are destroyed: redb reuses freed pages
/// but never wipes them, so only a fresh file is free of destroyed records.
///
/// The fresh file is created exclusively at `<path>.rewrite` (an entry already there, a stale one
/// from a crash or a planted symbolic link, is removed itself, never followed; if another appears
/// in between, the rewrite fails), and takes the original's permission bits and owner before any
/// record is written to it.
pub(crate) fn rewrite(old: &Database, path: &Path) -> Result<Db> {
    no_panic("the keystore file", || {
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".rewrite");
        let tmp = path.with_file_name(tmp_name);
        let original = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
        let file = create_rewrite_file(&tmp)?;
        let fresh = (|| -> Result<Db> {
            keep_owner_and_mode(&file, &original, &tmp)?;
            let backend =
                redb::backends::FileBackend::new(file).map_err(|e| open_error(&tmp, e))?;
            let fresh = Db::new(
                builder()
                    .create_with_backend(backend)
                    .map_err(|e| open_error(&tmp, e))?,
            );
            let from = old.begin_read()?;
            let to = fresh.begin_write()?;
            copy(&from, &to, META)?;
            copy(&from, &to, KEYS)?;
            copy(&from, &to, VERSIONS)?;
            copy(&from, &to, ALIASES)?;
            copy(&from, &to, DUE)?;
            copy(&from, &to, WRAPPING_KEYS)?;
            copy(&from, &to, AUDIT)?;
            copy(&from, &to, DESTROYED_KEYS)?;
            copy(&from, &to, LAST_USE)?;
            copy(&from, &to, KEY_POLICIES)?;
            copy(&from, &to, GRANTS)?;
            copy(&from, &to, IAM_USERS)?;
            copy(&from, &to, IAM_ACCESS_KEYS)?;
            copy(&from, &to, SECRETS)?;
            copy(&from, &to, SECRET_VERSIONS)?;
            copy(&from, &to, SECRET_DUE)?;
            to.commit()?;
            std::fs::rename(&tmp, path)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok(fresh)
        })();
        if fresh.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        fresh
    })
}

/// Creates the rewrite's temporary file exclusively, after removing whatever entry is at its name
/// (the entry itself: a symbolic link is removed, not followed).
fn create_rewrite_file(tmp: &Path) -> Result<std::fs::File> {
    match std::fs::remove_file(tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Error::Io(format!(
                "cannot remove {} before rewriting the keystore ({e}); remove it, then close or \
                 open the keystore again",
                tmp.display()
            )));
        }
    }
    new_file(tmp).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::Io(format!(
            "{} was created by someone else while the keystore was being rewritten; nothing was \
             changed: check who writes to that directory, then close or open the keystore again",
            tmp.display()
        )),
        _ => io_error(tmp, e),
    })
}

/// Gives the rewrite's file the original's owner and permission bits (after the owner: changing
/// it can clear the set-id bits). A file whose owner cannot be kept is not used.
fn keep_owner_and_mode(
    file: &std::fs::File,
    original: &std::fs::Metadata,
    tmp: &Path,
) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let now = file.metadata()?;
        if (now.uid(), now.gid()) != (original.uid(), original.gid()) {
            std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())).map_err(
                |e| {
                    Error::Io(format!(
                        "cannot give {} the keystore file's owner {}:{} ({e}); the keystore was \
                         not rewritten: close or open it as its owner",
                        tmp.display(),
                        original.uid(),
                        original.gid()
                    ))
                },
            )?;
        }
        file.set_permissions(std::fs::Permissions::from_mode(original.mode() & 0o7777))?;
    }
    #[cfg(not(unix))]
    let _ = (file, original, tmp);
    Ok(())
}

fn copy<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &redb::ReadTransaction,
    to: &redb::WriteTransaction,
    table: TableDefinition<K, V>,
) -> Result<()> {
    use redb::ReadableTable;
    let src = match from.open_table(table) {
        Ok(t) => t,
        // A table this file predates (`destroyed_keys`): nothing to copy.
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut dst = to.open_table(table)?;
    for row in src.iter()? {
        let (k, v) = row?;
        dst.insert(k.value(), v.value())?;
    }
    Ok(())
}
