//! Issue 17 item 7: audit queries and the JSON Lines export stream the trail, one stored batch at
//! a time, instead of loading it whole. Its own test binary: a counting global allocator measures
//! the bytes live at the peak of an export.

mod common;
use common::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use strongroom::{AuditFilter, EncryptionContext};

/// Counts the bytes currently allocated by the whole process, and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `System.alloc`, with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Bytes allocated at the peak of `f`, above what was live when it started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - base)
}

/// A writer that keeps only a digest and a length of what it is given.
struct Digest(ring::digest::Context, u64);

impl std::io::Write for Digest {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.update(b);
        self.1 += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn digest() -> Digest {
    Digest(ring::digest::Context::new(&ring::digest::SHA256), 0)
}

const EVENTS: usize = 200_000;

#[test]
fn exporting_a_long_trail_keeps_memory_bounded_and_the_output_unchanged() {
    let (_s, ks) = new_store();
    let k = key(&ks).key_id;
    let contexts: Vec<EncryptionContext> = (0..50)
        .map(|i| EncryptionContext::from_pairs([("tenant", format!("customer-{i:04}"))]).unwrap())
        .collect();
    for i in 0..EVENTS {
        if i % 100 == 0 {
            ks.generate_random(8).unwrap();
        } else {
            ks.encrypt(&k, b"x", Some(&contexts[i % contexts.len()]))
                .unwrap();
        }
    }
    let filters = [
        AuditFilter::default(),
        AuditFilter {
            operation: Some("GenerateRandom".into()),
            ..Default::default()
        },
    ];
    for filter in &filters {
        // Before: the whole trail collected, then written.
        let ((before, n_before), collected_peak) = peak_of(|| {
            let mut out = digest();
            let events = ks.audit_events(filter).unwrap();
            for e in &events {
                use std::io::Write;
                writeln!(out, "{}", e.to_json()).unwrap();
            }
            (out.0.finish().as_ref().to_vec(), events.len() as u64)
        });
        // Now: written as read.
        let ((after, n_after), streamed_peak) = peak_of(|| {
            let mut out = digest();
            let n = ks.export_audit_jsonl(filter, &mut out).unwrap();
            (out.0.finish().as_ref().to_vec(), n)
        });
        assert_eq!(after, before, "the export's bytes changed");
        assert_eq!(n_after, n_before);
        let expected = if filter.operation.is_some() {
            EVENTS / 100
        } else {
            EVENTS + 2
        };
        assert_eq!(n_after, expected as u64);
        eprintln!(
            "{n_after} events: peak {collected_peak} bytes collected, {streamed_peak} streamed"
        );
        // One decoded batch (at most 4,096 events) plus redb's page reads, whatever the trail's
        // length (measured: about 3.7 MiB); collecting 200,000 events takes about 160 MiB.
        assert!(
            streamed_peak < 8 << 20,
            "streamed peak {streamed_peak} bytes"
        );
        if filter.operation.is_none() {
            assert!(
                collected_peak > 8 * streamed_peak,
                "{collected_peak} vs {streamed_peak}"
            );
        }
    }

    // The iterator yields the same events as `audit_events`, in order.
    let some = AuditFilter {
        operation: Some("CreateKey".into()),
        ..Default::default()
    };
    let streamed: Vec<_> = ks
        .audit_events_iter(&some)
        .unwrap()
        .collect::<strongroom::Result<_>>()
        .unwrap();
    assert_eq!(streamed, ks.audit_events(&some).unwrap());
    assert_eq!(streamed.len(), 1);
}
