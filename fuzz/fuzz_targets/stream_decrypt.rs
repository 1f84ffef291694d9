//! The encrypted stream format (strongroom-stream, docs/STREAM-FORMAT.md): arbitrary bytes, a real
//! stream's header followed by arbitrary chunks, or a real stream with bytes flipped, read in
//! pieces of a size the input chooses. Decrypting never panics and never reports a reader failure;
//! only the untouched real stream decrypts, to its plaintext.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sr_core::{CreateKey, Keystore, Options};
use std::io::Read;
use std::sync::OnceLock;
use strongroom_reliability::fuzz;

struct Fixture {
    _dir: tempfile::TempDir,
    ks: Keystore,
    stream: Vec<u8>,
    plain: Vec<u8>,
    header_len: usize,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut options = Options::insecure_fast_for_tests();
    // Bounded, so a long fuzz run does not grow the audit trail without end.
    options.audit.max_events = Some(512);
    let ks = Keystore::create(dir.path().join("stream.strongroom"), b"fuzz", &options)
        .expect("a keystore");
    let key = ks.create_key(&CreateKey::default()).expect("a key").key_id;
    // Three chunks, the last one short.
    let plain: Vec<u8> = (0..2 * 65536 + 300).map(|i: u32| (i * 7) as u8).collect();
    let mut stream = Vec::new();
    strongroom_stream::encrypt(&ks, &key, None, &plain[..], &mut stream).expect("a stream");
    let header_len = strongroom_stream::Header::read(&mut &stream[..])
        .expect("its header")
        .as_bytes()
        .len();
    Fixture {
        _dir: dir,
        ks,
        stream,
        plain,
        header_len,
    }
}

/// Hands the input out at most `step` bytes per read.
struct Pieces<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let fx = FIXTURE.get_or_init(|| {
        fuzz::quiet_panics();
        fixture()
    });
    fuzz::no_escape("stream_decrypt", || {
        let Some((&mode, rest)) = data.split_first() else {
            return;
        };
        let candidate = match mode & 3 {
            0 => rest.to_vec(),
            1 => [&fx.stream[..fx.header_len], rest].concat(),
            _ => {
                let mut s = fx.stream.clone();
                if let Some((&at, mask)) = rest.split_first() {
                    let start = usize::from(at) * 811 % s.len();
                    for (b, m) in s[start..].iter_mut().zip(mask) {
                        *b ^= m;
                    }
                }
                s
            }
        };
        let step = (usize::from(mode >> 2) + 1) * 97;
        let mut out = Vec::new();
        let input = Pieces {
            data: &candidate,
            step,
        };
        match strongroom_stream::decrypt(&fx.ks, None, None, input, &mut out) {
            Ok(_) => assert!(
                candidate == fx.stream && out == fx.plain,
                "a changed stream decrypted"
            ),
            Err(e) => assert_ne!(e.name(), "Io", "the reader never fails: {e}"),
        }
    });
});
