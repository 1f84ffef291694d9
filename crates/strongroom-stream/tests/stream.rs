//! The stream format through the library API: round trips at every size edge, every kind of
//! damage refused as `InvalidCiphertext`, reader and writer failures as `Io`, the keystore's own
//! errors passed through, and a stream written by the CLI before the format moved here.

use std::io::{self, Read, Write};
use strongroom::{CreateKey, EncryptionContext, Keystore, Options};
use strongroom_stream::{CHUNK_SIZE, Decryptor, Encryptor, FIXED_HEADER_LEN, Header, TAG_LEN};

const CHUNK: usize = CHUNK_SIZE as usize;
const STRIDE: usize = CHUNK + TAG_LEN;

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

struct Fixture {
    _dir: tempfile::TempDir,
    ks: Keystore,
    key: String,
}

fn setup() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::create(
        dir.path().join("ks"),
        b"pw",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    let key = ks.create_key(&CreateKey::default()).unwrap().key_id;
    Fixture { _dir: dir, ks, key }
}

fn header_len(enc: &[u8]) -> usize {
    FIXED_HEADER_LEN + u32::from_le_bytes(enc[44..48].try_into().unwrap()) as usize
}

fn encrypt(f: &Fixture, plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    strongroom_stream::encrypt(&f.ks, &f.key, None, plain, &mut out).unwrap();
    out
}

fn decrypt(f: &Fixture, enc: &[u8]) -> strongroom::Result<Vec<u8>> {
    let mut out = Vec::new();
    strongroom_stream::decrypt(&f.ks, None, None, enc, &mut out).map(|_| out)
}

fn refused(f: &Fixture, enc: &[u8], what: &str) -> String {
    match decrypt(f, enc) {
        Err(strongroom::Error::InvalidCiphertext(m)) => m,
        other => panic!("{what}: expected InvalidCiphertext, got {other:?}"),
    }
}

/// A reader that hands out at most `step` bytes per call (and sometimes is interrupted).
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
    calls: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(5) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn round_trips_at_chunk_edges_with_summaries() {
    let f = setup();
    let batch = 4 << 20;
    for len in [
        0,
        1,
        CHUNK - 1,
        CHUNK,
        CHUNK + 1,
        2 * CHUNK,
        batch / STRIDE * CHUNK,
        batch / STRIDE * CHUNK + 1,
        3 * batch + 12_345,
    ] {
        let plain = data(len, len as u64 + 7);
        let mut enc = Vec::new();
        let s = strongroom_stream::encrypt(&f.ks, &f.key, None, &plain[..], &mut enc).unwrap();
        let chunks = len.div_ceil(CHUNK).max(1);
        assert_eq!(
            enc.len(),
            header_len(&enc) + len + TAG_LEN * chunks,
            "len {len}"
        );
        assert_eq!(s.plaintext_len, len as u64);
        assert_eq!(s.encrypted_len, enc.len() as u64);
        assert!(s.key_id.ends_with(&f.key), "{}", s.key_id);
        let mut dec = Vec::new();
        let d = strongroom_stream::decrypt(&f.ks, None, None, &enc[..], &mut dec).unwrap();
        assert!(dec == plain, "round trip of {len} bytes");
        assert_eq!(d, s);
    }
}

#[test]
fn short_reads_and_interruptions_change_nothing() {
    let f = setup();
    let plain = data(5 * CHUNK + 17, 5);
    let reader = Trickle {
        data: &plain,
        step: 1000,
        calls: 0,
    };
    let mut enc = Vec::new();
    strongroom_stream::encrypt(&f.ks, &f.key, None, reader, &mut enc).unwrap();
    let reader = Trickle {
        data: &enc,
        step: 777,
        calls: 0,
    };
    let mut dec = Vec::new();
    strongroom_stream::decrypt(&f.ks, None, None, reader, &mut dec).unwrap();
    assert!(dec == plain);
}

#[test]
fn two_phase_api_and_header_accessors() {
    let f = setup();
    let ctx = EncryptionContext::from_pairs([("k", "v")]).unwrap();
    let enc = Encryptor::new(&f.ks, "alias/none", Some(&ctx)).unwrap_err();
    assert_eq!(enc.name(), "NotFound");
    let e = Encryptor::new(&f.ks, &f.key, Some(&ctx)).unwrap();
    assert!(e.key_id().ends_with(&f.key));
    assert!(!format!("{e:?}").is_empty());
    let mut out = Vec::new();
    e.encrypt(&b"hello"[..], &mut out).unwrap();

    let mut input = &out[..];
    let header = Header::read(&mut input).unwrap();
    assert_eq!(header.chunk_size(), CHUNK_SIZE);
    assert_eq!(header.as_bytes(), &out[..header_len(&out)]);
    assert_eq!(
        header.data_key_blob(),
        &out[FIXED_HEADER_LEN..header_len(&out)]
    );
    assert!(format!("{header:?}").contains("chunk_size"));
    let wrong = Decryptor::new(&f.ks, header.clone(), None, None).unwrap_err();
    assert_eq!(wrong.name(), "InvalidCiphertext");
    let d = Decryptor::new(&f.ks, header, Some(&ctx), Some(&f.key)).unwrap();
    assert!(d.key_id().ends_with(&f.key));
    assert!(format!("{d:?}").contains("Decryptor"));
    let mut plain = Vec::new();
    d.decrypt(input, &mut plain).unwrap();
    assert_eq!(plain, b"hello");
}

#[test]
fn damaged_streams_are_invalid_ciphertext() {
    let f = setup();
    let plain = data(5 * CHUNK + 100, 3);
    let enc = encrypt(&f, &plain);
    let h = header_len(&enc);
    let chunk = |i: usize| h + i * STRIDE;

    assert!(refused(&f, &enc[..chunk(5)], "boundary").contains("chunk 4 does not authenticate"));
    assert!(refused(&f, &enc[..chunk(3) + 1000], "mid-chunk").contains("chunk 3"));
    assert!(refused(&f, &enc[..chunk(5) + 10], "short last").contains("chunk 5 is cut short"));
    refused(&f, &enc[..enc.len() - 1], "last byte cut");
    assert!(refused(&f, &enc[..h], "header only").contains("chunk 0 is cut short"));
    assert!(refused(&f, &enc[..30], "header cut").contains("header is cut short"));
    assert!(refused(&f, &enc[..h - 1], "blob cut").contains("header is cut short"));
    assert!(refused(&f, b"just some text", "not encrypted").contains("no SRFILE magic"));
    assert!(refused(&f, b"SRF", "magic cut").contains("no SRFILE magic"));

    let mut swapped = enc.clone();
    swapped[chunk(1)..chunk(2)].copy_from_slice(&enc[chunk(2)..chunk(3)]);
    swapped[chunk(2)..chunk(3)].copy_from_slice(&enc[chunk(1)..chunk(2)]);
    assert!(refused(&f, &swapped, "reordered").contains("chunk 1 does not authenticate"));
    let mut dup = enc[..chunk(2)].to_vec();
    dup.extend_from_slice(&enc[chunk(1)..]);
    refused(&f, &dup, "duplicated chunk");
    for pos in [chunk(2) + 77, chunk(1) - 1, 20, h - 1] {
        let mut flipped = enc.clone();
        flipped[pos] ^= 0x01;
        refused(&f, &flipped, &format!("bit flipped at {pos}"));
    }
    let mut longer = enc.clone();
    longer.extend_from_slice(&enc[chunk(0)..chunk(1)]);
    refused(&f, &longer, "chunk appended");

    // Header fields out of range, each with its own message.
    let mut version = enc.clone();
    version[6] = 2;
    assert!(refused(&f, &version, "version").contains("format version 2"));
    for size in [511u32, (4 << 20) + 1] {
        let mut bad = enc.clone();
        bad[8..12].copy_from_slice(&size.to_le_bytes());
        assert!(refused(&f, &bad, "chunk size").contains(&format!("chunk size {size}")));
    }
    for len in [0u32, 8193] {
        let mut bad = enc.clone();
        bad[44..48].copy_from_slice(&len.to_le_bytes());
        assert!(refused(&f, &bad, "blob len").contains(&format!("blob length {len}")));
    }
    // A smaller chunk size in the header: the header is the AAD, so every chunk fails.
    let mut resized = enc.clone();
    resized[8..12].copy_from_slice(&4096u32.to_le_bytes());
    refused(&f, &resized, "chunk size changed");

    assert!(decrypt(&f, &enc).unwrap() == plain);
}

#[test]
fn an_empty_final_chunk_after_data_is_refused() {
    // Writers never make one, so build it by hand (docs/STREAM-FORMAT.md's key and nonce rules): the
    // header and the full first chunk (final = 0) of a real two-chunk stream, then an empty chunk
    // sealed as chunk 1 with final = 1 under the same payload key.
    use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
    use ring::hkdf;
    let f = setup();
    let enc = encrypt(&f, &data(CHUNK + 1, 9));
    let h = header_len(&enc);
    let header = Header::read(&mut &enc[..]).unwrap();
    let dk = f.ks.decrypt(header.data_key_blob(), None, None).unwrap();
    let salt = &enc[12..44];
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(dk.plaintext.as_bytes());
    let okm = prk
        .expand(&[strongroom_stream::KEY_INFO], &AES_256_GCM)
        .unwrap();
    let key = LessSafeKey::new(UnboundKey::from(okm));
    let mut nonce = [0u8; 12];
    nonce[0] = 1;
    nonce[11] = 1;
    let mut empty = Vec::new();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(&enc[..h]),
        &mut empty,
    )
    .unwrap();
    let mut crafted = enc[..h + STRIDE].to_vec();
    crafted.extend_from_slice(&empty);
    assert!(refused(&f, &crafted, "empty final").contains("empty final chunk"));
}

#[test]
fn a_data_key_of_another_length_is_refused() {
    let f = setup();
    let enc = encrypt(&f, b"x");
    let blob = f.ks.encrypt(&f.key, &[1u8; 16], None).unwrap();
    let mut crafted = enc[..FIXED_HEADER_LEN].to_vec();
    crafted[44..48].copy_from_slice(&(blob.len() as u32).to_le_bytes());
    crafted.extend_from_slice(&blob);
    crafted.extend_from_slice(&[0u8; 16]);
    assert!(refused(&f, &crafted, "16-byte data key").contains("not 32 bytes"));
}

#[test]
fn context_key_and_state_are_the_keystores() {
    let f = setup();
    let ctx = EncryptionContext::from_pairs([("host", "db1")]).unwrap();
    let other_ctx = EncryptionContext::from_pairs([("host", "db2")]).unwrap();
    let mut enc = Vec::new();
    strongroom_stream::encrypt(&f.ks, &f.key, Some(&ctx), &b"payload"[..], &mut enc).unwrap();
    let name = |r: strongroom::Result<strongroom_stream::Summary>| r.unwrap_err().name();
    let mut sink = Vec::new();
    assert_eq!(
        name(strongroom_stream::decrypt(
            &f.ks,
            None,
            None,
            &enc[..],
            &mut sink
        )),
        "InvalidCiphertext"
    );
    assert_eq!(
        name(strongroom_stream::decrypt(
            &f.ks,
            Some(&other_ctx),
            None,
            &enc[..],
            &mut sink
        )),
        "InvalidCiphertext"
    );
    let other = f.ks.create_key(&CreateKey::default()).unwrap().key_id;
    assert_eq!(
        name(strongroom_stream::decrypt(
            &f.ks,
            Some(&ctx),
            Some(&other),
            &enc[..],
            &mut sink
        )),
        "IncorrectKey"
    );
    assert!(
        sink.is_empty(),
        "nothing written before the data key opened"
    );
    f.ks.disable_key(&f.key).unwrap();
    assert_eq!(
        name(strongroom_stream::decrypt(
            &f.ks,
            Some(&ctx),
            None,
            &enc[..],
            &mut sink
        )),
        "Disabled"
    );
    let mut out = Vec::new();
    assert_eq!(
        name(strongroom_stream::encrypt(
            &f.ks,
            &f.key,
            None,
            &b"p"[..],
            &mut out
        )),
        "Disabled"
    );
    assert!(
        out.is_empty(),
        "nothing written when the data key is refused"
    );
    assert_eq!(
        name(strongroom_stream::encrypt(
            &f.ks,
            "not a key",
            None,
            &b"p"[..],
            &mut out
        )),
        "NotFound"
    );
    f.ks.enable_key(&f.key).unwrap();
    let mut plain = Vec::new();
    strongroom_stream::decrypt(&f.ks, Some(&ctx), Some(&f.key), &enc[..], &mut plain).unwrap();
    assert_eq!(plain, b"payload");
}

struct FailingReader {
    good: usize,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.good == 0 {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.good);
        buf[..n].fill(0x42);
        self.good -= n;
        Ok(n)
    }
}

struct FailingWriter {
    room: usize,
    fail_flush: bool,
}

impl Write for FailingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(io::Error::other("no space left"));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.fail_flush {
            Err(io::Error::other("flush refused"))
        } else {
            Ok(())
        }
    }
}

fn io_message(r: strongroom::Result<strongroom_stream::Summary>) -> String {
    match r {
        Err(strongroom::Error::Io(m)) => m,
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn reader_and_writer_failures_are_io() {
    let f = setup();
    let enc = encrypt(&f, &data(3 * CHUNK, 1));
    // Reading fails at the start, in the middle of a batch, and in the header.
    for good in [0, 100, 5 * CHUNK] {
        let m = io_message(strongroom_stream::encrypt(
            &f.ks,
            &f.key,
            None,
            FailingReader { good },
            io::sink(),
        ));
        assert!(m.contains("reading") && m.contains("disk on fire"), "{m}");
    }
    let m = io_message(strongroom_stream::decrypt(
        &f.ks,
        None,
        None,
        FailingReader { good: 10 },
        io::sink(),
    ));
    assert!(m.contains("disk on fire"), "{m}");
    // Reading fails after the header of a real stream.
    let reader = (&enc[..header_len(&enc) + 10]).chain(FailingReader { good: 0 });
    let m = io_message(strongroom_stream::decrypt(
        &f.ks,
        None,
        None,
        reader,
        io::sink(),
    ));
    assert!(m.contains("disk on fire"), "{m}");
    // Writing fails in the header, in the chunks, and at the final flush.
    for room in [0, 100, 2 * CHUNK] {
        let w = FailingWriter {
            room,
            fail_flush: false,
        };
        let m = io_message(strongroom_stream::encrypt(&f.ks, &f.key, None, &enc[..], w));
        assert!(m.contains("writing") && m.contains("no space left"), "{m}");
        let w = FailingWriter {
            room,
            fail_flush: false,
        };
        let m = io_message(strongroom_stream::decrypt(&f.ks, None, None, &enc[..], w));
        assert!(m.contains("no space left"), "{m}");
    }
    let w = FailingWriter {
        room: usize::MAX,
        fail_flush: true,
    };
    let m = io_message(strongroom_stream::decrypt(&f.ks, None, None, &enc[..], w));
    assert!(m.contains("flush refused"), "{m}");
}

/// A stream written by `strongroom encrypt-file` as it was before the format moved into this
/// crate (commit e8c55d9), with its keystore: see tests/fixtures/README.md.
#[test]
fn decrypts_a_stream_written_by_the_cli_before_the_move() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let ks_path = dir.path().join("ks");
    std::fs::copy(format!("{fixtures}/keystore.strongroom"), &ks_path).unwrap();
    let ks = Keystore::open(
        &ks_path,
        b"correct horse",
        &Options::insecure_fast_for_tests(),
    )
    .unwrap();
    let ctx = EncryptionContext::from_pairs([("purpose", "fixture")]).unwrap();
    let enc = std::fs::read(format!("{fixtures}/data.sr")).unwrap();
    let mut plain = Vec::new();
    let s =
        strongroom_stream::decrypt(&ks, Some(&ctx), Some("alias/fixture"), &enc[..], &mut plain)
            .unwrap();
    assert!(
        plain == data(3 * CHUNK + 1234, 42),
        "fixture plaintext differs"
    );
    assert_eq!(s.encrypted_len, enc.len() as u64);
    let empty = std::fs::read(format!("{fixtures}/empty.sr")).unwrap();
    let mut out = Vec::new();
    strongroom_stream::decrypt(&ks, None, None, &empty[..], &mut out).unwrap();
    assert!(out.is_empty());
    assert_eq!(
        strongroom_stream::decrypt(&ks, None, None, &enc[..], &mut Vec::new())
            .unwrap_err()
            .name(),
        "InvalidCiphertext"
    );
}
