//! Paged lists, once for every surface (AWS KMS's `Limit`, `Marker`, `NextMarker`, `Truncated`):
//! each list's bounds and default for `Limit`, and [`page`], which cuts one page out of a list
//! sorted by a text key. The marker is the hex of the list's name, a zero byte and the last
//! returned item's sort key, so a page boundary survives items added or removed between calls,
//! and a marker is good only for the list that returned it, as AWS KMS's are; a marker that is
//! not one (not hex, not UTF-8, longer than AWS's 1,024 characters, or another list's) is
//! `InvalidMarker`.

use crate::model::page::{Page, PageRequest};
use crate::{Error, Result};

/// The bounds of one list's `limit`: 1 to `max`, `default` when not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListLimit {
    /// The list's name, for messages (`ListKeys`, ...).
    pub list: &'static str,
    /// `limit` when the request gives none.
    pub default: u32,
    /// The largest `limit` accepted.
    pub max: u32,
}

/// `ListKeys`: 1 to 1,000, default 100 (as AWS KMS).
pub const LIST_KEYS_LIMIT: ListLimit = ListLimit {
    list: "ListKeys",
    default: 100,
    max: 1000,
};
/// `ListAliases`: 1 to 100, default 50 (as AWS KMS).
pub const LIST_ALIASES_LIMIT: ListLimit = ListLimit {
    list: "ListAliases",
    default: 50,
    max: 100,
};
/// `ListKeyRotations`: 1 to 1,000, default 100 (as AWS KMS).
pub const LIST_KEY_ROTATIONS_LIMIT: ListLimit = ListLimit {
    list: "ListKeyRotations",
    default: 100,
    max: 1000,
};
/// `ListResourceTags`: 1 to 50, default 50 (as AWS KMS).
pub const LIST_RESOURCE_TAGS_LIMIT: ListLimit = ListLimit {
    list: "ListResourceTags",
    default: 50,
    max: 50,
};

/// `ListGrants`: 1 to 100, default 50 (as AWS KMS).
pub const LIST_GRANTS_LIMIT: ListLimit = ListLimit {
    list: "ListGrants",
    default: 50,
    max: 100,
};
/// `ListRetirableGrants`: 1 to 100, default 50 (as AWS KMS).
pub const LIST_RETIRABLE_GRANTS_LIMIT: ListLimit = ListLimit {
    list: "ListRetirableGrants",
    default: 50,
    max: 100,
};
/// `ListKeyPolicies`: 1 to 1,000, default 100 (as AWS KMS).
pub const LIST_KEY_POLICIES_LIMIT: ListLimit = ListLimit {
    list: "ListKeyPolicies",
    default: 100,
    max: 1000,
};

/// Longest marker, in characters (AWS KMS `MarkerType`).
pub const MAX_MARKER_LEN: usize = 1024;

/// The limit a request asks for, within `bounds`.
pub(crate) fn limit(req: &PageRequest, bounds: ListLimit) -> Result<usize> {
    let n = req.limit.unwrap_or(bounds.default);
    if n == 0 || n > bounds.max {
        return Err(Error::Validation(format!(
            "limit of {} must be 1 to {}, not {n}",
            bounds.list, bounds.max
        )));
    }
    Ok(n as usize)
}

/// The sort key a marker of list `bounds` stands for.
fn after(req: &PageRequest, bounds: ListLimit) -> Result<Option<String>> {
    let Some(m) = &req.marker else {
        return Ok(None);
    };
    let bad = || {
        Error::InvalidMarker(
            "the marker is not one this keystore returned; pass a previous page's next_marker \
             unchanged, or start again without a marker"
                .into(),
        )
    };
    if m.is_empty() || m.len() > MAX_MARKER_LEN || m.len() % 2 != 0 {
        return Err(bad());
    }
    let bytes = (0..m.len())
        .step_by(2)
        .map(|i| m.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    let key = bytes
        .strip_prefix(bounds.list.as_bytes())
        .and_then(|rest| rest.strip_prefix(&[0]))
        .ok_or_else(bad)?;
    String::from_utf8(key.to_vec()).map(Some).map_err(|_| bad())
}

/// The marker of list `bounds` that stands for `sort_key`.
fn marker(bounds: ListLimit, sort_key: &str) -> String {
    let list = bounds.list.bytes().chain([0]);
    list.chain(sort_key.bytes())
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks `req` against `bounds` (limit and marker) before the list is read.
pub(crate) fn check(req: &PageRequest, bounds: ListLimit) -> Result<()> {
    limit(req, bounds)?;
    after(req, bounds).map(drop)
}

/// The page `req` asks for of `items`, which are sorted by `key` (ascending, distinct keys).
pub(crate) fn page<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    req: &PageRequest,
    bounds: ListLimit,
) -> Result<Page<T>> {
    let n = limit(req, bounds)?;
    let start = match after(req, bounds)? {
        Some(a) => items.partition_point(|i| key(i) <= a),
        None => 0,
    };
    let mut rest: Vec<T> = items.into_iter().skip(start).collect();
    let truncated = rest.len() > n;
    rest.truncate(n);
    let next_marker = if truncated {
        rest.last().map(|l| marker(bounds, &key(l)))
    } else {
        None
    };
    Ok(Page {
        items: rest,
        next_marker,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: ListLimit = ListLimit {
        list: "L",
        default: 3,
        max: 5,
    };

    #[test]
    fn pages_cover_every_item_once() {
        let items: Vec<String> = (0..7).map(|i| format!("k{i}")).collect();
        let mut req = PageRequest::default();
        let mut seen = Vec::new();
        loop {
            let p = page(items.clone(), String::clone, &req, B).unwrap();
            assert!(p.items.len() <= 3);
            seen.extend(p.items);
            if !p.truncated {
                assert!(p.next_marker.is_none());
                break;
            }
            req.marker = p.next_marker;
        }
        assert_eq!(seen, items);
        // A boundary survives the removal of the item it names.
        let p = page(items.clone(), String::clone, &PageRequest::first(2), B).unwrap();
        let fewer: Vec<String> = items.iter().filter(|k| *k != "k1").cloned().collect();
        let req = PageRequest {
            limit: Some(2),
            marker: p.next_marker,
        };
        assert_eq!(
            page(fewer, String::clone, &req, B).unwrap().items,
            ["k2", "k3"]
        );
    }

    #[test]
    fn limit_bounds_and_markers() {
        let items = vec!["a".to_string()];
        for ok in [1, 5] {
            assert!(page(items.clone(), String::clone, &PageRequest::first(ok), B).is_ok());
        }
        for bad in [0, 6] {
            let e = page(items.clone(), String::clone, &PageRequest::first(bad), B).unwrap_err();
            assert_eq!(e.name(), "Validation");
            assert!(e.message().contains("1 to 5"), "{e}");
        }
        for bad in ["", "zz", "abc", "ff", &"61".repeat(513)] {
            let req = PageRequest {
                limit: None,
                marker: Some(bad.into()),
            };
            let e = page(items.clone(), String::clone, &req, B).unwrap_err();
            assert_eq!(e.name(), "InvalidMarker", "{bad:?}");
            assert_eq!(e.aws_code(), "InvalidMarkerException");
            assert!(check(&req, B).is_err());
        }
        // The longest marker AWS allows (1,024 characters) is accepted; one more byte is not.
        let longest = marker(B, &"a".repeat(MAX_MARKER_LEN / 2 - B.list.len() - 1));
        assert_eq!(longest.len(), MAX_MARKER_LEN);
        let req = |m: String| PageRequest {
            limit: None,
            marker: Some(m),
        };
        assert!(check(&req(longest.clone()), B).is_ok());
        assert!(check(&req(longest + "61"), B).is_err());
        // A marker is good only for the list that returned it.
        const OTHER: ListLimit = ListLimit { list: "M", ..B };
        let p = page(
            vec!["a".to_string(), "b".into()],
            String::clone,
            &PageRequest::first(1),
            B,
        )
        .unwrap();
        let theirs = p.next_marker.unwrap();
        assert!(check(&req(theirs.clone()), B).is_ok());
        let e = check(&req(theirs), OTHER).unwrap_err();
        assert_eq!(e.name(), "InvalidMarker");
        // Nor is a bare sort key (the format before markers named their list).
        assert!(check(&req("61".into()), B).is_err());
        assert_eq!(LIST_RESOURCE_TAGS_LIMIT.max, 50);
        assert_eq!(
            (LIST_ALIASES_LIMIT.default, LIST_ALIASES_LIMIT.max),
            (50, 100)
        );
    }
}
