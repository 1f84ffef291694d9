//! Associated data of a blob, and the encryption context's canonical encoding read back
//! (docs/FORMAT.md section 3). The encoding itself is built once, when an
//! [`EncryptionContext`] is made (`model::context`).

use crate::Result;
use crate::format::codec::Reader;
use crate::model::context::EncryptionContext;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Associated data: the blob header, then the canonical context (borrowed when there is none).
#[inline]
pub(crate) fn aad<'a>(header: &'a [u8], ctx: Option<&EncryptionContext>) -> Cow<'a, [u8]> {
    let c = EncryptionContext::encoded(ctx);
    if c.is_empty() {
        return Cow::Borrowed(header);
    }
    let mut v = Vec::with_capacity(header.len() + c.len());
    v.extend_from_slice(header);
    v.extend_from_slice(c);
    Cow::Owned(v)
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
            aad(b"h", Some(&c)).as_ref(),
            [b"h".as_slice(), bytes].concat()
        );
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
    }
}
