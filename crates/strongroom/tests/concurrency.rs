//! One handle shared by many threads.

mod common;
use common::*;
use std::sync::Arc;
use strongroom::{EncryptionContext, Keystore};

#[test]
fn keystore_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Keystore>();
}

#[test]
fn eight_threads_of_mixed_operations() {
    let (_s, ks) = new_store();
    let ks = Arc::new(ks);
    let keys: Vec<String> = (0..4).map(|_| key(&ks).key_id).collect();
    ks.create_alias("alias/shared", &keys[0]).unwrap();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let ks = ks.clone();
            let keys = keys.clone();
            std::thread::spawn(move || {
                let ctx = EncryptionContext::from_pairs([("thread", t.to_string())]).unwrap();
                for i in 0..200 {
                    let k = &keys[(t + i) % keys.len()];
                    let pt = format!("t{t} i{i}");
                    let blob = ks.encrypt(k, pt.as_bytes(), Some(&ctx)).unwrap();
                    assert_eq!(
                        ks.decrypt(&blob, Some(&ctx), None)
                            .unwrap()
                            .plaintext
                            .as_bytes(),
                        pt.as_bytes()
                    );
                    match i % 10 {
                        0 => {
                            let dk = ks
                                .generate_data_key("alias/shared", None, None, None)
                                .unwrap();
                            assert_eq!(
                                ks.decrypt(&dk.ciphertext_blob, None, None)
                                    .unwrap()
                                    .plaintext
                                    .as_bytes(),
                                dk.plaintext.as_bytes()
                            );
                        }
                        1 => {
                            let r = ks
                                .re_encrypt(&blob, &keys[0], Some(&ctx), None, None)
                                .unwrap();
                            assert!(ks.decrypt(&r.ciphertext_blob, None, None).is_ok());
                        }
                        2 => {
                            assert!(ks.list_keys().unwrap().len() >= 4);
                            ks.describe_key(k).unwrap();
                        }
                        3 if t == 7 => {
                            let extra = ks.create_key(&Default::default()).unwrap();
                            ks.disable_key(&extra.key_id).unwrap();
                            ks.enable_key(&extra.key_id).unwrap();
                        }
                        _ => {}
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn nonces_never_repeat_across_threads() {
    let (_s, ks) = new_store();
    let ks = Arc::new(ks);
    let k = key(&ks).key_id;
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let ks = ks.clone();
            let k = k.clone();
            std::thread::spawn(move || {
                (0..500)
                    .map(|_| ks.encrypt(&k, b"x", None).unwrap()[21..45].to_vec())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all = std::collections::HashSet::new();
    for h in handles {
        for n in h.join().unwrap() {
            assert!(all.insert(n), "nonce repeated");
        }
    }
    assert_eq!(all.len(), 2000);
}

#[test]
fn the_encrypt_path_writes_nothing_to_the_file() {
    // Audit off: with the trail on, the background writer commits the calls' events every
    // `AUDIT_FLUSH_INTERVAL`, which a loop slower than that (a loaded machine) would see.
    let s = scratch();
    let off = strongroom::Options {
        audit: strongroom::AuditOptions {
            level: strongroom::AuditLevel::Off,
            ..Default::default()
        },
        ..opts()
    };
    let ks = Keystore::create(&s.path, PASS, &off).unwrap();
    let k = key(&ks);
    let before = (
        sha256(&s.path),
        std::fs::metadata(&s.path).unwrap().modified().unwrap(),
    );
    for _ in 0..1000 {
        let blob = ks.encrypt(&k.key_id, b"payload", None).unwrap();
        ks.decrypt(&blob, None, None).unwrap();
        ks.generate_data_key(&k.key_id, None, None, None).unwrap();
    }
    let after = (
        sha256(&s.path),
        std::fs::metadata(&s.path).unwrap().modified().unwrap(),
    );
    assert_eq!(before, after);
}

/// Each thread uses its own handle on a key (the crypto path); a change made on another thread is
/// seen by the thread's next call, and a rotation's new version is used at once.
#[test]
fn a_change_on_one_thread_is_seen_by_the_next_call_of_another() {
    let (_s, ks) = new_store();
    let ks = Arc::new(ks);
    let k = key(&ks).key_id;
    let (to_worker, work) = std::sync::mpsc::channel::<&'static str>();
    let (to_main, done) = std::sync::mpsc::channel::<Result<Vec<u8>, String>>();
    let worker = {
        let (ks, k) = (ks.clone(), k.clone());
        std::thread::spawn(move || {
            for _ in work {
                let r = ks.encrypt(&k, b"x", None).map_err(|e| e.name().to_string());
                to_main.send(r).unwrap();
            }
        })
    };
    let call = || {
        to_worker.send("encrypt").unwrap();
        done.recv().unwrap()
    };
    assert_eq!(&call().unwrap()[17..21], &1u32.to_le_bytes());
    ks.disable_key(&k).unwrap();
    assert_eq!(call().unwrap_err(), "Disabled");
    ks.enable_key(&k).unwrap();
    assert!(call().is_ok());
    ks.rotate_key_on_demand(&k).unwrap();
    assert_eq!(&call().unwrap()[17..21], &2u32.to_le_bytes());
    ks.schedule_key_deletion(&k, Some(7)).unwrap();
    assert_eq!(call().unwrap_err(), "InvalidState");
    drop(to_worker);
    worker.join().unwrap();
}
