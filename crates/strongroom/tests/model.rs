//! Model-based test: random sequences of operations and clock jumps, checked against a small
//! reference model of SPEC's state table and rotation and deletion rules, with the keystore
//! closed and reopened at random points.

mod common;
use common::*;
use proptest::prelude::*;
use std::sync::Arc;
use strongroom::{Keystore, ManualClock, Options, Timestamp};

const DAY: i64 = Timestamp::DAY_MS;

#[derive(Clone, Debug)]
enum Op {
    Create,
    Enable(usize),
    Disable(usize),
    EnableRotation(usize, u32),
    DisableRotation(usize),
    RotateOnDemand(usize),
    Schedule(usize, u32),
    Cancel(usize),
    Encrypt(usize),
    Advance(i64),
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0usize..3;
    prop_oneof![
        2 => Just(Op::Create),
        2 => k.clone().prop_map(Op::Enable),
        2 => k.clone().prop_map(Op::Disable),
        2 => (k.clone(), prop_oneof![Just(89u32), Just(90), 90u32..400, Just(2560), Just(2561)])
            .prop_map(|(k, p)| Op::EnableRotation(k, p)),
        1 => k.clone().prop_map(Op::DisableRotation),
        3 => k.clone().prop_map(Op::RotateOnDemand),
        2 => (k.clone(), 5u32..33).prop_map(|(k, w)| Op::Schedule(k, w)),
        2 => k.clone().prop_map(Op::Cancel),
        2 => k.clone().prop_map(Op::Encrypt),
        3 => prop_oneof![0i64..3, 5i64..40, 80i64..800].prop_map(Op::Advance),
        1 => Just(Op::Reopen),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum St {
    Enabled,
    Disabled,
    PendingDeletion,
}

#[derive(Clone, Debug)]
struct MKey {
    id: String,
    destroyed: bool,
    state: St,
    rotation: Option<(u32, i64)>,
    versions: u32,
    newest: i64,
    on_demand: u32,
    deletion: i64,
}

struct Model {
    now: i64,
    keys: Vec<MKey>,
}

impl Model {
    fn due(&mut self) {
        let now = self.now;
        for k in self.keys.iter_mut().filter(|k| !k.destroyed) {
            match k.state {
                St::PendingDeletion if k.deletion <= now => k.destroyed = true,
                St::Enabled => {
                    if let Some((p, mut next)) = k.rotation {
                        while next <= now {
                            k.versions += 1;
                            k.newest = next;
                            next += i64::from(p) * DAY;
                        }
                        k.rotation = Some((p, next));
                    }
                }
                _ => {}
            }
        }
    }

    /// The expected outcome of `op` on key `i`, applying it to the model.
    fn apply(&mut self, op: &Op) -> Option<&'static str> {
        let now = self.now;
        let usable = |k: &MKey| -> Option<&'static str> {
            if k.destroyed {
                Some("NotFound")
            } else {
                match k.state {
                    St::Enabled => None,
                    St::Disabled => Some("Disabled"),
                    St::PendingDeletion => Some("InvalidState"),
                }
            }
        };
        let r = match *op {
            Op::Create | Op::Advance(_) | Op::Reopen => None,
            Op::Enable(i) | Op::Disable(i) => {
                let k = &mut self.keys[i];
                if k.destroyed {
                    Some("NotFound")
                } else if k.state == St::PendingDeletion {
                    Some("InvalidState")
                } else {
                    if matches!(op, Op::Enable(_)) {
                        if k.state == St::Disabled {
                            k.rotation = k.rotation.map(|(p, n)| (p, n.max(now)));
                        }
                        k.state = St::Enabled;
                    } else {
                        k.state = St::Disabled;
                    }
                    None
                }
            }
            Op::EnableRotation(i, p) => {
                let k = &mut self.keys[i];
                if !(90..=2560).contains(&p) {
                    Some("Validation")
                } else if let Some(e) = usable(k) {
                    Some(e)
                } else {
                    let from = if k.rotation.is_some() { k.newest } else { now };
                    k.rotation = Some((p, (from + i64::from(p) * DAY).max(now)));
                    None
                }
            }
            Op::DisableRotation(i) => {
                let k = &mut self.keys[i];
                usable(k).or_else(|| {
                    k.rotation = None;
                    None
                })
            }
            Op::RotateOnDemand(i) => {
                let k = &mut self.keys[i];
                usable(k).or_else(|| {
                    if k.on_demand >= 25 {
                        Some("LimitExceeded")
                    } else {
                        k.on_demand += 1;
                        k.versions += 1;
                        k.newest = now;
                        None
                    }
                })
            }
            Op::Schedule(i, w) => {
                let k = &mut self.keys[i];
                if !(7..=30).contains(&w) {
                    Some("Validation")
                } else if k.destroyed {
                    Some("NotFound")
                } else if k.state == St::PendingDeletion {
                    Some("InvalidState")
                } else {
                    k.state = St::PendingDeletion;
                    k.deletion = now + i64::from(w) * DAY;
                    None
                }
            }
            Op::Cancel(i) => {
                let k = &mut self.keys[i];
                if k.destroyed {
                    Some("NotFound")
                } else if k.state != St::PendingDeletion {
                    Some("InvalidState")
                } else {
                    k.state = St::Disabled;
                    None
                }
            }
            Op::Encrypt(i) => usable(&self.keys[i]),
        };
        self.due();
        r
    }
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let start = 1_767_225_600_000;
    let clock = ManualClock::new(Timestamp::from_unix_millis(start));
    let options = Options {
        clock: Arc::new(clock.clone()),
        ..opts()
    };
    let s = scratch();
    let mut ks = Some(Keystore::create(&s.path, PASS, &options).unwrap());
    let mut m = Model {
        now: start,
        keys: Vec::new(),
    };
    for op in ops {
        let store = ks.as_ref().unwrap();
        let needs_key = |i: usize| i < m.keys.len();
        let got: Option<String> = match op {
            Op::Create => {
                if m.keys.len() >= 3 {
                    continue;
                }
                let id = store.create_key(&Default::default()).unwrap().key_id;
                m.keys.push(MKey {
                    id,
                    destroyed: false,
                    state: St::Enabled,
                    rotation: None,
                    versions: 1,
                    newest: m.now,
                    on_demand: 0,
                    deletion: 0,
                });
                None
            }
            Op::Advance(d) => {
                clock.advance_days(d);
                m.now += d * DAY;
                store.run_maintenance().unwrap();
                None
            }
            Op::Reopen => {
                ks.take().unwrap().close().unwrap();
                ks = Some(Keystore::open(&s.path, PASS, &options).unwrap());
                None
            }
            Op::Enable(i)
            | Op::Disable(i)
            | Op::DisableRotation(i)
            | Op::RotateOnDemand(i)
            | Op::Cancel(i)
            | Op::Encrypt(i)
            | Op::EnableRotation(i, _)
            | Op::Schedule(i, _)
                if !needs_key(i) =>
            {
                continue;
            }
            Op::Enable(i) => store
                .enable_key(&m.keys[i].id)
                .err()
                .map(|e| e.name().into()),
            Op::Disable(i) => store
                .disable_key(&m.keys[i].id)
                .err()
                .map(|e| e.name().into()),
            Op::EnableRotation(i, p) => store
                .enable_key_rotation(&m.keys[i].id, Some(p))
                .err()
                .map(|e| e.name().into()),
            Op::DisableRotation(i) => store
                .disable_key_rotation(&m.keys[i].id)
                .err()
                .map(|e| e.name().into()),
            Op::RotateOnDemand(i) => store
                .rotate_key_on_demand(&m.keys[i].id)
                .err()
                .map(|e| e.name().into()),
            Op::Schedule(i, w) => store
                .schedule_key_deletion(&m.keys[i].id, Some(w))
                .err()
                .map(|e| e.name().into()),
            Op::Cancel(i) => store
                .cancel_key_deletion(&m.keys[i].id)
                .err()
                .map(|e| e.name().into()),
            Op::Encrypt(i) => store
                .encrypt(&m.keys[i].id, b"x", None)
                .err()
                .map(|e| e.name().into()),
        };
        let want = m.apply(&op);
        prop_assert_eq!(got.as_deref(), want, "op {:?}", op);
        let store = ks.as_ref().unwrap();
        for k in &m.keys {
            match store.describe_key(&k.id) {
                Err(e) => {
                    prop_assert!(k.destroyed, "key vanished: {}", e);
                    prop_assert_eq!(e.name(), "NotFound");
                }
                Ok(meta) => {
                    prop_assert!(!k.destroyed, "key {} should be destroyed", k.id);
                    prop_assert_eq!(format!("{:?}", meta.key_state), format!("{:?}", k.state));
                    let rot = store.get_key_rotation_status(&k.id).unwrap();
                    prop_assert_eq!(rot.rotation_period_in_days, k.rotation.map(|r| r.0));
                    prop_assert_eq!(
                        rot.next_rotation_date.map(|d| d.unix_millis()),
                        k.rotation.map(|r| r.1)
                    );
                    let n = store.list_key_rotations(&k.id).unwrap().len() as u32;
                    prop_assert_eq!(n + 1, k.versions, "versions of {}", k.id);
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
    #[test]
    fn keystore_matches_the_model(ops in proptest::collection::vec(op(), 1..60)) {
        run(ops)?;
    }
}
