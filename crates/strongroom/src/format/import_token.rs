//! The import token (docs/FORMAT.md section 10): which key and which wrapping key an import is
//! for, until when, authenticated with the import-token sub-key.

use crate::crypto::subkey::HmacKey;
use crate::format::codec::{Reader, Writer};
use crate::model::clock::Timestamp;
use crate::model::import::{WrappingAlgorithm, WrappingKeySpec};
use crate::model::names::Coded;
use crate::model::operation::Operation;
use crate::{Error, Result};

/// Length of an import token, in bytes.
pub const IMPORT_TOKEN_LEN: usize = TOKEN_BODY_LEN + 32;

const TOKEN_VERSION: u8 = 1;
const TOKEN_BODY_LEN: usize = 1 + 16 + 16 + 8 + 1 + 1;

/// The authenticated content of an import token.
pub(crate) struct Token {
    pub key_id: u128,
    pub token_id: u128,
    pub valid_to: Timestamp,
    pub algorithm: WrappingAlgorithm,
    pub spec: WrappingKeySpec,
}

pub(crate) fn bad_token(why: &str) -> Error {
    Error::InvalidImportToken(format!(
        "the import token is not valid: {why}; pass the import_token returned by {} for this \
         key, unchanged",
        Operation::GetParametersForImport
    ))
}

impl Token {
    pub fn encode(&self, mac: &HmacKey) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(IMPORT_TOKEN_LEN));
        w.u8(TOKEN_VERSION)
            .bytes(&self.key_id.to_be_bytes())
            .bytes(&self.token_id.to_be_bytes())
            .i64(self.valid_to.unix_millis())
            .u8(self.algorithm.code())
            .u8(self.spec.code());
        let tag = mac.sign(&[&w.0]);
        w.bytes(&tag);
        w.0
    }

    /// Parses and authenticates a token; anything wrong is `InvalidImportToken`.
    pub fn parse(bytes: &[u8], mac: &HmacKey) -> Result<Token> {
        if bytes.len() != IMPORT_TOKEN_LEN {
            return Err(bad_token(&format!(
                "it is {} bytes long, not {IMPORT_TOKEN_LEN}",
                bytes.len()
            )));
        }
        if bytes[0] != TOKEN_VERSION {
            return Err(bad_token("its format version is unknown"));
        }
        let (body, tag) = bytes.split_at(TOKEN_BODY_LEN);
        if !mac.verify(body, tag) {
            return Err(bad_token(
                "it does not authenticate (it was altered, or made by another keystore)",
            ));
        }
        let mut r = Reader::new(&body[1..], "an import token");
        let inner = |r: &mut Reader<'_>| -> Result<Token> {
            Ok(Token {
                key_id: u128::from_be_bytes(r.array()?),
                token_id: u128::from_be_bytes(r.array()?),
                valid_to: Timestamp::from_unix_millis(r.i64()?),
                algorithm: r.code()?,
                spec: r.code()?,
            })
        };
        let token = inner(&mut r).map_err(|_| bad_token("its content is malformed"))?;
        r.finish()
            .map_err(|_| bad_token("its content is malformed"))?;
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac() -> HmacKey {
        HmacKey::from_bytes([7; 32])
    }

    #[test]
    fn token_round_trip_and_tamper() {
        let t = Token {
            key_id: 0x1234,
            token_id: 0x5678,
            valid_to: Timestamp::from_unix_millis(86_400_000),
            algorithm: WrappingAlgorithm::RsaAesKeyWrapSha256,
            spec: WrappingKeySpec::Rsa3072,
        };
        let bytes = t.encode(&mac());
        assert_eq!(bytes.len(), IMPORT_TOKEN_LEN);
        let back = Token::parse(&bytes, &mac()).unwrap();
        assert_eq!(
            (back.key_id, back.token_id, back.valid_to),
            (t.key_id, t.token_id, t.valid_to)
        );
        assert_eq!(back.algorithm, t.algorithm);
        assert_eq!(back.spec, t.spec);
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(matches!(
                Token::parse(&b, &mac()),
                Err(Error::InvalidImportToken(_))
            ));
        }
        let other = HmacKey::from_bytes([8; 32]);
        assert!(Token::parse(&bytes, &other).is_err());
        assert!(Token::parse(&bytes[..IMPORT_TOKEN_LEN - 1], &mac()).is_err());
    }
}
