//! Raw AES-256-GCM throughput of one core (ring, in place, 64 KiB messages): the reference
//! that `benches/encrypt-file.sh` compares `encrypt-file` against.
//!
//! `cargo run --release -p strongroom-cli --example aes_gcm_rate [MiB]`

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use std::time::Instant;

fn main() {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1024);
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &[7u8; 32]).expect("32-byte key"));
    let mut buf = vec![0u8; 64 * 1024];
    let rounds = mib * 16;
    let start = Instant::now();
    for i in 0..rounds as u64 {
        let mut n = [0u8; 12];
        n[..8].copy_from_slice(&i.to_le_bytes());
        let tag = key
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(n), Aad::from(&[]), &mut buf)
            .expect("seal");
        let _ = std::hint::black_box(tag);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "raw AES-256-GCM, one core: {mib} MiB in {secs:.3} s = {:.0} MiB/s",
        mib as f64 / secs
    );
}
