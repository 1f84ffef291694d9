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

/// Fills `out` with characters drawn uniformly from `alphabet`, whose length must be a power of
/// two (32 or 64 here: each random byte is masked, so there is no bias).
pub(crate) fn chars(out: &mut [u8], alphabet: &[u8]) -> Result<()> {
    debug_assert!(alphabet.len().is_power_of_two() && alphabet.len() <= 256);
    fill(out)?;
    let mask = alphabet.len() - 1;
    for b in out.iter_mut() {
        *b = alphabet[usize::from(*b) & mask];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn chars_come_from_the_alphabet() {
        let mut out = [0u8; 4096];
        super::chars(&mut out, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").unwrap();
        assert!(
            out.iter()
                .all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(c))
        );
        assert!(out.contains(&b'A') && out.contains(&b'7'));
    }
}
