//! What a call's audit event will say about it, filled in while the call runs.

use crate::audit::log::Usage;
use crate::model::clock::Timestamp;
use std::sync::Arc;

/// The subject of a call, filled in while it runs.
#[derive(Default, Debug)]
pub(crate) struct Subject {
    pub key: Option<u128>,
    pub version: Option<u32>,
    /// Set once the call's event was written in the transaction of its state change.
    pub logged: bool,
    /// The used key's counters (for `Summary`).
    pub usage: Option<Arc<Usage>>,
    /// When the call read the clock (its event's time), if it did.
    pub now: Option<Timestamp>,
    /// The encryption context to record instead of the one the call was given (a secrets call
    /// records its secret's `SecretARN` once it knows it), in canonical encoding.
    pub context: Option<Arc<[u8]>>,
}
