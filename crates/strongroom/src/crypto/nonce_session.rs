//! Nonce sessions: how a message's 24-byte XAES-256-GCM nonce is chosen.
//!
//! A session is a random 12-byte prefix (which fixes the derived AES-256-GCM key, so it is
//! derived once per session instead of once per message) and a 96-bit counter that starts at a
//! random value and increases by one per message. Each thread keeps its own sessions, one per
//! backing-key version it has used recently, so encryptions on different threads never contend.
//! A session ends after [`SESSION_MESSAGES`] messages, and at once in a forked child (a
//! `pthread_atfork` counter), so a child never continues its parent's counter. docs/FORMAT.md
//! derives the collision bound (section 8).

use crate::Result;
use crate::crypto::fork::Fork;
use crate::crypto::random;
use crate::crypto::xaes::{self, NONCE_LEN, TAG_LEN, XaesKey};
use ring::aead::{LessSafeKey, Tag};
use std::cell::RefCell;

/// Messages per session before a fresh prefix and counter are drawn.
pub(crate) const SESSION_MESSAGES: u32 = u32::MAX;
/// Sessions kept per thread (least recently created evicted first).
const SESSIONS_PER_THREAD: usize = 16;
const COUNTER_MASK: u128 = (1 << 96) - 1;

struct Session {
    uid: u64,
    fork: Fork,
    prefix: [u8; 12],
    counter: u128,
    remaining: u32,
    key: LessSafeKey,
}

thread_local! {
    static SESSIONS: RefCell<Vec<Session>> = const { RefCell::new(Vec::new()) };
}

/// Seals `in_out` in place under the backing key `key` (whose process-unique id is `uid`), and
/// returns the nonce it chose and the tag.
pub(crate) fn seal(
    key: &XaesKey,
    uid: u64,
    aad: &[u8],
    in_out: &mut [u8],
) -> Result<([u8; NONCE_LEN], Tag)> {
    SESSIONS.with(|cell| {
        let mut sessions = cell.borrow_mut();
        let pos = sessions.iter().position(|s| s.uid == uid);
        let session = match pos {
            Some(i) if sessions[i].remaining > 0 && !sessions[i].fork.detected() => {
                &mut sessions[i]
            }
            _ => {
                if let Some(i) = pos {
                    sessions.swap_remove(i);
                }
                if sessions.len() >= SESSIONS_PER_THREAD {
                    sessions.remove(0);
                }
                sessions.push(Session::new(key, uid)?);
                sessions.last_mut().expect("just pushed")
            }
        };
        let mut nonce = [0u8; NONCE_LEN];
        nonce[..12].copy_from_slice(&session.prefix);
        nonce[12..].copy_from_slice(&session.counter.to_be_bytes()[4..]);
        session.counter = (session.counter + 1) & COUNTER_MASK;
        session.remaining -= 1;
        let gcm_nonce = xaes::split(&nonce).1;
        let tag = xaes::seal_with(&session.key, gcm_nonce, aad, in_out);
        Ok((nonce, tag))
    })
}

/// Opens `ciphertext` in place against its separate `tag`, reusing this thread's derived key
/// when the nonce belongs to one of its sessions. `false` if it does not authenticate.
pub(crate) fn open(
    key: &XaesKey,
    uid: u64,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    ciphertext: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> bool {
    let (prefix, gcm_nonce) = xaes::split(nonce);
    SESSIONS.with(|cell| {
        let sessions = cell.borrow();
        match sessions
            .iter()
            .find(|s| s.uid == uid && &s.prefix == prefix)
        {
            Some(s) => xaes::open_with(&s.key, gcm_nonce, aad, ciphertext, tag),
            None => {
                drop(sessions);
                key.open_detached(nonce, aad, ciphertext, tag)
            }
        }
    })
}

impl Session {
    fn new(key: &XaesKey, uid: u64) -> Result<Self> {
        let prefix: [u8; 12] = random::array()?;
        let start: [u8; 12] = random::array()?;
        let mut counter = [0u8; 16];
        counter[4..].copy_from_slice(&start);
        Ok(Session {
            uid,
            fork: Fork::new(),
            key: key.derive(&prefix),
            prefix,
            counter: u128::from_be_bytes(counter),
            remaining: SESSION_MESSAGES,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_increase_within_a_session_and_open() {
        let k = XaesKey::new(&[5; 32]);
        let mut a = b"one".to_vec();
        let (n1, t1) = seal(&k, 1_000_001, b"", &mut a).unwrap();
        let mut b = b"two".to_vec();
        let (n2, _) = seal(&k, 1_000_001, b"", &mut b).unwrap();
        assert_eq!(n1[..12], n2[..12]);
        let c1 = u128::from_be_bytes([&[0u8; 4][..], &n1[12..]].concat().try_into().unwrap());
        let c2 = u128::from_be_bytes([&[0u8; 4][..], &n2[12..]].concat().try_into().unwrap());
        assert_eq!((c1 + 1) & COUNTER_MASK, c2);
        let t1: [u8; TAG_LEN] = t1.as_ref().try_into().unwrap();
        let mut copy = a.clone();
        assert!(open(&k, 1_000_001, &n1, b"", &mut copy, &t1));
        assert_eq!(copy, b"one");
        // Another thread has no session and derives the key from the nonce.
        let k2 = XaesKey::new(&[5; 32]);
        std::thread::spawn(move || {
            assert!(open(&k2, 1_000_001, &n1, b"", &mut a, &t1));
            assert_eq!(a, b"one");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn sessions_differ_between_keys_and_threads() {
        let k = XaesKey::new(&[6; 32]);
        let (n1, _) = seal(&k, 2_000_001, b"", &mut []).unwrap();
        let (n2, _) = seal(&k, 2_000_002, b"", &mut []).unwrap();
        assert_ne!(n1[..12], n2[..12]);
        let n3 = std::thread::spawn(move || seal(&k, 2_000_001, b"", &mut []).unwrap().0)
            .join()
            .unwrap();
        assert_ne!(n1[..12], n3[..12]);
    }
}
