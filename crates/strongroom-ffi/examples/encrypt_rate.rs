//! The Rust core's `encrypt` rate at 32 B and 4 KiB, measured like `tests/c/bench.c` measures
//! `sr_encrypt` from C (same loop shape, same fast test KDF), so `tests/c/bench.sh` can print the
//! two side by side. Usage: `encrypt_rate [SECONDS]` (default 2).

use sr_core::{CreateKey, Keystore, Options};
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: f64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(2.0);
    let dir = std::env::temp_dir().join(format!("strongroom-rate-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.strongroom");
    let ks = Keystore::create(&path, b"bench", &Options::insecure_fast_for_tests())?;
    let key = ks.create_key(&CreateKey::default())?.key_id;
    let msg = [0x5au8; 4096];
    for size in [32usize, 4096] {
        let mut ops = 0u64;
        let start = Instant::now();
        let end = start + Duration::from_secs_f64(seconds);
        let mut t = start;
        while t < end {
            for _ in 0..256 {
                let blob = ks.encrypt(&key, &msg[..size], None)?;
                drop(std::hint::black_box(blob));
            }
            ops += 256;
            t = Instant::now();
        }
        let rate = ops as f64 / (t - start).as_secs_f64();
        println!("rust encrypt    {size:4} B: {rate:10.0} ops/s ({ops} ops)");
    }
    ks.close()?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
