//! The passphrase KDF: Argon2id, with its cost stored in the file.

use crate::crypto::secret::Key256;
use crate::{Error, Result};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Argon2id cost parameters. `m_cost_kib` is in KiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes over memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes. The default.
    pub const RFC9106_SECOND: KdfParams = KdfParams {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 4,
    };

    /// OWASP's floor for Argon2id (19 MiB, 2 passes, 1 lane). Creating or opening a keystore
    /// below it is refused unless the insecure test profile is allowed explicitly.
    pub const OWASP_FLOOR: KdfParams = KdfParams {
        m_cost_kib: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
    };

    /// The fast test profile (64 KiB, 1 pass, 1 lane): for tests only. A keystore made with it
    /// opens only with `allow_insecure_test_kdf` set; its passphrase protects nothing.
    pub const INSECURE_FAST_FOR_TESTS: KdfParams = KdfParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    /// The most a keystore file may ask for (4 GiB, 64 passes, 64 lanes): a damaged or hostile
    /// header cannot make `open` exhaust memory or run for hours.
    pub const MAX: KdfParams = KdfParams {
        m_cost_kib: 4 * 1024 * 1024,
        t_cost: 64,
        p_cost: 64,
    };

    /// Whether these parameters are below [`KdfParams::OWASP_FLOOR`].
    pub fn below_floor(&self) -> bool {
        self.m_cost_kib < Self::OWASP_FLOOR.m_cost_kib
            || self.t_cost < Self::OWASP_FLOOR.t_cost
            || self.p_cost < Self::OWASP_FLOOR.p_cost
    }

    fn within_max(&self) -> bool {
        self.m_cost_kib <= Self::MAX.m_cost_kib
            && self.t_cost <= Self::MAX.t_cost
            && self.p_cost <= Self::MAX.p_cost
    }

    /// Checks these parameters for use; `allow_insecure` admits the test profile.
    pub(crate) fn check(&self, allow_insecure: bool) -> Result<()> {
        if !self.within_max() || self.argon2_params().is_err() {
            return Err(Error::Validation(format!(
                "Argon2id parameters {self:?} are out of range (at most {:?}, m_cost_kib at least 8 x p_cost)",
                Self::MAX
            )));
        }
        if self.below_floor() && !allow_insecure {
            return Err(Error::Validation(format!(
                "Argon2id parameters {self:?} are below OWASP's floor {:?}; use the defaults, or \
                 set allow_insecure_test_kdf for throwaway test keystores only",
                Self::OWASP_FLOOR
            )));
        }
        Ok(())
    }

    /// Checks parameters read from a keystore file: beyond [`KdfParams::MAX`] the header is
    /// hostile or damaged (`Corrupt`); below the floor, as [`KdfParams::check`].
    pub(crate) fn check_stored(&self, allow_insecure: bool) -> Result<()> {
        match self.check(allow_insecure) {
            Err(Error::Validation(m)) if !self.within_max() || self.argon2_params().is_err() => {
                Err(Error::Corrupt(format!(
                    "the keystore header is damaged: {m}"
                )))
            }
            other => other,
        }
    }

    fn argon2_params(&self) -> std::result::Result<Params, argon2::Error> {
        Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
    }

    /// Derives the 256-bit key that wraps the root key.
    pub(crate) fn derive(&self, passphrase: &[u8], salt: &[u8; 32]) -> Result<Key256> {
        let params = self
            .argon2_params()
            .map_err(|e| Error::Validation(format!("Argon2id parameters rejected: {e}")))?;
        // Argon2's working memory (m KiB) holds the state the key is finished from: it is ours,
        // zeroized when dropped (argon2's `hash_password_into` frees its own without wiping).
        let mut memory = zeroize::Zeroizing::new(vec![Block::default(); params.block_count()]);
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut res = Ok(());
        let key = Key256::init_with(|out| {
            res = argon.hash_password_into_with_memory(passphrase, salt, out, &mut memory[..]);
        });
        res.map_err(|e| Error::Validation(format!("Argon2id failed: {e}")))?;
        Ok(key)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::RFC9106_SECOND
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_bounds() {
        assert!(!KdfParams::RFC9106_SECOND.below_floor());
        assert!(!KdfParams::OWASP_FLOOR.below_floor());
        let mut p = KdfParams::OWASP_FLOOR;
        p.m_cost_kib -= 1;
        assert!(p.below_floor());
        assert!(matches!(p.check(false), Err(Error::Validation(_))));
        assert!(p.check(true).is_ok());
        let mut t = KdfParams::OWASP_FLOOR;
        t.t_cost = 1;
        assert!(t.check(false).is_err());
        assert!(KdfParams::MAX.check(false).is_ok());
        let mut big = KdfParams::MAX;
        big.m_cost_kib += 1;
        assert!(big.check(true).is_err());
        big = KdfParams::MAX;
        big.t_cost += 1;
        assert!(big.check(true).is_err());
        big = KdfParams::MAX;
        big.p_cost += 1;
        assert!(big.check(true).is_err());
        assert!(KdfParams::INSECURE_FAST_FOR_TESTS.check(false).is_err());
        assert!(KdfParams::INSECURE_FAST_FOR_TESTS.check(true).is_ok());
    }
}
