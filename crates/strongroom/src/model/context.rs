//! The encryption context: non-secret UTF-8 pairs that are authenticated with a ciphertext but
//! never stored in it.

use crate::{Error, Result};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Largest canonical encoding of a context, in bytes.
pub const MAX_CONTEXT_BYTES: usize = 8192;

/// An encryption context, kept in its canonical encoding (docs/FORMAT.md section 3; read back by `format::context`): pairs sorted by key
/// bytes, each key and value length-prefixed. Two contexts with the same pairs in any order are
/// equal; an empty context equals no context.
///
/// ```
/// use strongroom::EncryptionContext;
/// let a = EncryptionContext::from_pairs([("dept", "ops"), ("app", "x")])?;
/// let b = EncryptionContext::from_pairs([("app", "x"), ("dept", "ops")])?;
/// assert_eq!(a, b);
/// # Ok::<(), strongroom::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionContext {
    pairs: BTreeMap<String, String>,
    encoded: Arc<[u8]>,
}

impl EncryptionContext {
    /// Builds a context. Keys must be non-empty and unique; the encoding must fit
    /// [`MAX_CONTEXT_BYTES`].
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Result<Self>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            let k = k.into();
            if k.is_empty() {
                return Err(Error::Validation(
                    "encryption context keys must not be empty".into(),
                ));
            }
            if map.contains_key(&k) {
                return Err(Error::Validation(format!(
                    "encryption context key {k:?} appears twice; give each key once"
                )));
            }
            map.insert(k, v.into());
        }
        Self::from_map(map)
    }

    /// Builds a context from a map.
    pub fn from_map(pairs: BTreeMap<String, String>) -> Result<Self> {
        if pairs.keys().any(|k| k.is_empty()) {
            return Err(Error::Validation(
                "encryption context keys must not be empty".into(),
            ));
        }
        let size = 4 + pairs
            .iter()
            .map(|(k, v)| 8 + k.len() + v.len())
            .sum::<usize>();
        if size > MAX_CONTEXT_BYTES {
            return Err(Error::Validation(format!(
                "encryption context encodes to {size} bytes; the limit is {MAX_CONTEXT_BYTES}"
            )));
        }
        let mut encoded = Vec::with_capacity(size);
        encoded.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        for (k, v) in &pairs {
            for s in [k, v] {
                encoded.extend_from_slice(&(s.len() as u32).to_le_bytes());
                encoded.extend_from_slice(s.as_bytes());
            }
        }
        Ok(EncryptionContext {
            pairs,
            encoded: encoded.into(),
        })
    }

    /// The pairs, sorted by key.
    pub fn pairs(&self) -> &BTreeMap<String, String> {
        &self.pairs
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The canonical encoding, shared (for the audit trail); `None` for an empty context.
    pub(crate) fn shared(ctx: Option<&EncryptionContext>) -> Option<Arc<[u8]>> {
        ctx.filter(|c| !c.pairs.is_empty())
            .map(|c| c.encoded.clone())
    }

    /// The canonical encoding that is authenticated (docs/FORMAT.md).
    pub(crate) fn encoded(ctx: Option<&EncryptionContext>) -> &[u8] {
        match ctx {
            Some(c) if !c.pairs.is_empty() => &c.encoded,
            _ => &[0, 0, 0, 0],
        }
    }
}

impl Default for EncryptionContext {
    /// The empty context (the same as no context).
    fn default() -> Self {
        EncryptionContext {
            pairs: BTreeMap::new(),
            encoded: Arc::from(&[0u8; 4][..]),
        }
    }
}

impl std::fmt::Debug for EncryptionContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.pairs.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_order_independent() {
        let a = EncryptionContext::from_pairs([("b", "2"), ("a", "1")]).unwrap();
        assert_eq!(
            EncryptionContext::encoded(Some(&a)),
            b"\x02\0\0\0\x01\0\0\0a\x01\0\0\x001\x01\0\0\0b\x01\0\0\x002"
        );
        let empty = EncryptionContext::from_pairs(Vec::<(String, String)>::new()).unwrap();
        assert_eq!(
            EncryptionContext::encoded(Some(&empty)),
            EncryptionContext::encoded(None)
        );
    }

    #[test]
    fn bounds() {
        assert!(matches!(
            EncryptionContext::from_pairs([("", "x")]),
            Err(Error::Validation(_))
        ));
        assert!(matches!(
            EncryptionContext::from_pairs([("a", "1"), ("a", "2")]),
            Err(Error::Validation(_))
        ));
        // 4 + 8 + 1 + v = 8192 exactly fits; one more byte does not.
        let v = "x".repeat(MAX_CONTEXT_BYTES - 13);
        assert!(EncryptionContext::from_pairs([("k", v.clone())]).is_ok());
        assert!(matches!(
            EncryptionContext::from_pairs([("k", v + "x")]),
            Err(Error::Validation(_))
        ));
    }
}
