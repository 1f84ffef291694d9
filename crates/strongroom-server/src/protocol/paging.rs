//! AWS's list paging: `Limit` (bounded per operation, with AWS's default) and an opaque
//! `Marker`; a page answers `Truncated` and, when there is more, `NextMarker`. The marker is the
//! base64 of the last item's sort key, so a page boundary survives items added or removed
//! between calls (paged over the core's full, sorted list for now).

use super::error::ApiError;
use super::request::Request;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as MARKER;
use serde_json::{Map, Value, json};

/// One page request: how many items at most, and after which sort key.
pub struct Page {
    limit: usize,
    after: Option<String>,
}

impl Page {
    /// Reads `Limit` (1 to `max`, default `default`) and `Marker`.
    pub fn read(req: &mut Request, default: u32, max: u32) -> Result<Self, ApiError> {
        let limit = req.opt_u32("Limit")?.unwrap_or(default);
        if !(1..=max).contains(&limit) {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {max}"
            )));
        }
        let after = match req.opt_string("Marker")? {
            None => None,
            Some(m) => Some(
                MARKER
                    .decode(m.as_bytes())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        ApiError::client(
                            "InvalidMarkerException",
                            "the Marker is not one this server returned; start again without it",
                        )
                    })?,
            ),
        };
        Ok(Page {
            limit: limit as usize,
            after,
        })
    }

    /// The page of `items` (sorted by `key`, ascending) as `{list: [...], Truncated, NextMarker}`.
    pub fn answer<T>(
        &self,
        mut items: Vec<T>,
        list: &str,
        key: impl Fn(&T) -> String,
        shape: impl Fn(&T) -> Value,
    ) -> Value {
        items.sort_by_key(&key);
        let start = match &self.after {
            Some(a) => items.partition_point(|i| key(i) <= *a),
            None => 0,
        };
        let rest = &items[start.min(items.len())..];
        let page = &rest[..rest.len().min(self.limit)];
        let truncated = rest.len() > page.len();
        let mut o = Map::new();
        o.insert(list.into(), Value::Array(page.iter().map(shape).collect()));
        if truncated && let Some(last) = page.last() {
            o.insert("NextMarker".into(), json!(MARKER.encode(key(last))));
        }
        o.insert("Truncated".into(), json!(truncated));
        Value::Object(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_item_once() {
        let items: Vec<u32> = (0..7).collect();
        let mut seen = Vec::new();
        let mut body = String::from(r#"{"Limit": 3}"#);
        for _ in 0..10 {
            let mut req = Request::parse("ListKeys", body.as_bytes()).unwrap();
            let page = Page::read(&mut req, 100, 1000).unwrap();
            let v = page.answer(items.clone(), "Keys", |i| format!("{i:04}"), |i| json!(i));
            seen.extend(
                v["Keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap()),
            );
            if v["Truncated"] == json!(false) {
                assert!(v.get("NextMarker").is_none());
                break;
            }
            body = format!(
                r#"{{"Limit": 3, "Marker": "{}"}}"#,
                v["NextMarker"].as_str().unwrap()
            );
        }
        assert_eq!(seen, (0..7).collect::<Vec<u64>>());
        let mut req = Request::parse("ListKeys", br#"{"Marker": "***"}"#).unwrap();
        assert_eq!(
            Page::read(&mut req, 100, 1000).err().unwrap().code,
            "InvalidMarkerException"
        );
        let mut req = Request::parse("ListKeys", br#"{"Limit": 0}"#).unwrap();
        assert_eq!(
            Page::read(&mut req, 100, 1000).err().unwrap().code,
            "ValidationException"
        );
    }
}
