//! Associated data of a blob, and the encryption context's canonical encoding read back
//! (docs/FORMAT.md section 3). The encoding itself is built once, when an
//! [`EncryptionContext`] is made (`model::context`).

use crate::Result;
use crate::format::codec::Reader;
use crate::model::context::EncryptionContext;
use std::collections::BTreeMap;

/// Associated data that fits here is built on the stack (a blob's header and the encoding of a
/// context of a few short pairs); more goes to the heap.
const STACK_AAD: usize = 256;

/// Runs `f` on a blob's associated data: its header, then the canonical context.
#[inline]
pub(crate) fn with_aad<T>(
    header: &[u8],
    ctx: Option<&EncryptionContext>,
    f: impl FnOnce(&[u8]) -> T,
) -> T {
    let c = EncryptionContext::encoded(ctx);
    let n = header.len() + c.len();
    if n <= STACK_AAD {
        let mut buf = [0u8; STACK_AAD];
        buf[..header.len()].copy_from_slice(header);
        buf[header.len()..n].copy_from_slice(c);
        f(&buf[..n])
    } else {
        f(&[header, c].concat())
    }
}

/// Parses a canonical encoding back into pairs.
pub(crate) fn decode(bytes: &[u8]) -> Result<BTreeMap<String, String>> {
    let mut r = Reader::new(bytes, "an encryption context");
    let n = r.u32()?;
    let mut map = BTreeMap::new();
    for _ in 0..n {
        let k = String::from_utf8(r.var()?.to_vec()).map_err(|_| r.corrupt("not UTF-8"))?;
        let v = String::from_utf8(r.var()?.to_vec()).map_err(|_| r.corrupt("not UTF-8"))?;
        map.insert(k, v);
    }
    r.finish()?;
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_reads_back() {
        let c = EncryptionContext::from_pairs([("b", "2"), ("a", "1")]).unwrap();
        let bytes = EncryptionContext::encoded(Some(&c));
        assert_eq!(&decode(bytes).unwrap(), c.pairs());
        assert_eq!(
            with_aad(b"h", Some(&c), <[u8]>::to_vec),
            [b"h".as_slice(), bytes].concat()
        );
        // Past the stack buffer: the same bytes from the heap.
        let long = EncryptionContext::from_pairs([("k", "v".repeat(STACK_AAD))]).unwrap();
        let long_bytes = EncryptionContext::encoded(Some(&long));
        assert_eq!(
            with_aad(b"h", Some(&long), <[u8]>::to_vec),
            [b"h".as_slice(), long_bytes].concat()
        );
        assert_eq!(with_aad(b"h", None, <[u8]>::to_vec), b"h\0\0\0\0");
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
    }
}
