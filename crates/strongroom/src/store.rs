//! The redb file: its tables, and opening it without ever panicking or writing before the
//! passphrase is checked.

use crate::error::{locked, storage};
use crate::header::Header;
use crate::{Error, Result};
use redb::{Database, ReadableDatabase, TableDefinition};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// `"header"` -> the keystore header.
pub(crate) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// key id -> sealed key record.
pub(crate) const KEYS: TableDefinition<u128, &[u8]> = TableDefinition::new("keys");
/// (key id, version) -> sealed version record.
pub(crate) const VERSIONS: TableDefinition<(u128, u32), &[u8]> =
    TableDefinition::new("key_versions");
/// alias name -> sealed alias record.
pub(crate) const ALIASES: TableDefinition<&str, &[u8]> = TableDefinition::new("aliases");
/// (due time in ms, key id) -> (): when each key next has work (rotation, destruction). Not
/// secret; the sealed key record decides what the work is.
pub(crate) const DUE: TableDefinition<(i64, u128), ()> = TableDefinition::new("due");
/// (token expiry in ms, key id, token id) -> sealed wrapping-key record: the RSA private key of
/// each outstanding import token, removed when used or expired.
pub(crate) const WRAPPING_KEYS: TableDefinition<(i64, u128, u128), &[u8]> =
    TableDefinition::new("import_wrapping_keys");
/// sequence -> audit event body || chain value (not secret; authenticated by the chain).
pub(crate) const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");

pub(crate) const HEADER_KEY: &str = "header";

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
            "no keystore at {}; create one first (strongroom init)",
            path.display()
        )),
        UnexpectedEof | InvalidData => Error::Corrupt(format!(
            "{} is truncated or not a strongroom keystore; restore it from a backup",
            path.display()
        )),
        _ => Error::Io(format!("{}: {io}", path.display())),
    }
}

/// Creates a new file holding `header`. Fails with `AlreadyExists` if anything is at `path`.
pub(crate) fn create(path: &Path, header: &Header) -> Result<Database> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::AlreadyExists(format!(
                "{} already exists; open it, or choose another path",
                path.display()
            )),
            _ => io_error(path, e),
        })?;
    let result = (|| {
        let backend = redb::backends::FileBackend::new(file).map_err(|e| open_error(path, e))?;
        let db = builder()
            .create_with_backend(backend)
            .map_err(|e| open_error(path, e))?;
        let tx = db.begin_write().map_err(storage)?;
        {
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
        }
        tx.commit().map_err(storage)?;
        Ok(db)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

/// Reads the header without writing anything to the file. `Ok(None)` means the file needs redb's
/// crash repair, which only a writable open performs.
pub(crate) fn read_header_readonly(path: &Path) -> Result<Option<Header>> {
    no_panic("the keystore header", || {
        let db = match builder().open_read_only(path) {
            Ok(db) => db,
            Err(redb::DatabaseError::RepairAborted) => return Ok(None),
            Err(e) => return Err(open_error(path, e)),
        };
        let header = read_header(&db)?;
        drop(db);
        Ok(Some(header))
    })
}

/// Opens the file for writing (repairing it after a crash).
pub(crate) fn open_writable(path: &Path) -> Result<Database> {
    no_panic("the keystore file", || {
        builder().open(path).map_err(|e| open_error(path, e))
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
pub(crate) fn rewrite(old: &Database, path: &Path) -> Result<Database> {
    no_panic("the keystore file", || {
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".rewrite");
        let tmp = path.with_file_name(tmp_name);
        let _ = std::fs::remove_file(&tmp);
        let fresh = builder().create(&tmp).map_err(|e| open_error(&tmp, e))?;
        let copied = (|| -> Result<()> {
            let from = old.begin_read()?;
            let to = fresh.begin_write()?;
            copy(&from, &to, META)?;
            copy(&from, &to, KEYS)?;
            copy(&from, &to, VERSIONS)?;
            copy(&from, &to, ALIASES)?;
            copy(&from, &to, DUE)?;
            copy(&from, &to, WRAPPING_KEYS)?;
            copy(&from, &to, AUDIT)?;
            to.commit()?;
            std::fs::rename(&tmp, path)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        })();
        if let Err(e) = copied {
            drop(fresh);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(fresh)
    })
}

fn copy<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &redb::ReadTransaction,
    to: &redb::WriteTransaction,
    table: TableDefinition<K, V>,
) -> Result<()> {
    use redb::ReadableTable;
    let src = from.open_table(table)?;
    let mut dst = to.open_table(table)?;
    for row in src.iter()? {
        let (k, v) = row?;
        dst.insert(k.value(), v.value())?;
    }
    Ok(())
}
