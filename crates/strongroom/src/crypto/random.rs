//! Randomness straight from the operating system's CSPRNG. Nothing is buffered in user space, so a
//! forked child can never replay bytes its parent will also use.

use crate::{Error, Result};

/// Fills `buf` from the OS generator.
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| {
        Error::Io(format!(
            "the operating system's random generator failed ({e})"
        ))
    })
}

/// `N` random bytes.
pub(crate) fn array<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    fill(&mut b)?;
    Ok(b)
}
