//! AWS's list paging on the wire: `Limit` and `Marker` read into the core's
//! [`strongroom::PageRequest`] (the core checks the bounds of each list and the marker:
//! `rules::paging`, one rule for every surface), and a core [`strongroom::Page`] answered as
//! `{list: [...], "NextMarker", "Truncated"}`.

use super::error::ApiError;
use super::request::Request;
use serde_json::{Map, Value, json};
use strongroom::{Page, PageRequest};

/// Reads `Limit` and `Marker`.
pub fn read(req: &mut Request) -> Result<PageRequest, ApiError> {
    Ok(PageRequest {
        limit: req.opt_u32("Limit")?,
        marker: req.opt_string("Marker")?,
    })
}

/// The page as `{list: [...], "NextMarker" (when truncated), "Truncated"}`.
pub fn answer<T>(page: &Page<T>, list: &str, shape: impl Fn(&T) -> Value) -> Value {
    let mut o = Map::new();
    o.insert(
        list.into(),
        Value::Array(page.items.iter().map(shape).collect()),
    );
    if let Some(m) = &page.next_marker {
        o.insert("NextMarker".into(), json!(m));
    }
    o.insert("Truncated".into(), json!(page.truncated));
    Value::Object(o)
}
