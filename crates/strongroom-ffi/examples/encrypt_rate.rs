//! The Rust core's `encrypt` rate at 32 B and 4 KiB, measured like `tests/c/bench.c` measures
//! `sr_encrypt` from C (same loop shape, same fast test KDF), so `tests/c/bench.sh` can print the
//! two side by side. Usage: `encrypt_rate [SECONDS]` (default 2) of thread CPU time per size.

use sr_core::{CreateKey, Keystore, Options};
use std::time::Duration;

/// CPU time of the calling thread (user + system), from /proc/thread-self/stat: a shared, loaded
/// machine disturbs it far less than wall time. Linux only, 10 ms resolution.
fn thread_cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("/proc/thread-self/stat");
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the name.
    let ticks: u64 =
        fields[11].parse::<u64>().unwrap_or(0) + fields[12].parse::<u64>().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

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
        let start = thread_cpu_time();
        let end = start + Duration::from_secs_f64(seconds);
        let mut t = start;
        while t < end {
            for _ in 0..256 {
                let blob = ks.encrypt(&key, &msg[..size], None)?;
                drop(std::hint::black_box(blob));
            }
            ops += 256;
            t = thread_cpu_time();
        }
        let rate = ops as f64 / (t - start).as_secs_f64();
        println!("rust encrypt    {size:4} B: {rate:10.0} ops/cpu-s ({ops} ops)");
    }
    ks.close()?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
