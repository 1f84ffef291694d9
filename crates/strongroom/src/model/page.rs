//! Paged lists (AWS KMS's `Limit`, `Marker`, `NextMarker`, `Truncated`).

/// Which page of a list to return: at most `limit` items (the operation's default when `None`),
/// after the item a previous page's `next_marker` names (from the start when `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// Most items to return; each list has its own bounds and default (`rules::paging`).
    pub limit: Option<u32>,
    /// A previous page's [`Page::next_marker`], unchanged.
    pub marker: Option<String>,
}

impl PageRequest {
    /// The first page of at most `limit` items.
    pub fn first(limit: u32) -> Self {
        PageRequest {
            limit: Some(limit),
            marker: None,
        }
    }
}

/// One page of a list, in the list's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// This page's items.
    pub items: Vec<T>,
    /// Where the next page starts, when `truncated`: pass it as [`PageRequest::marker`].
    pub next_marker: Option<String>,
    /// Whether more items follow this page.
    pub truncated: bool,
}

impl<T> Page<T> {
    /// The same page with each item mapped by `f`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_marker: self.next_marker,
            truncated: self.truncated,
        }
    }
}
