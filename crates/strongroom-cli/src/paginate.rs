//! The AWS CLI's pagination of list commands, once for every list and both modes (in-process
//! and `--endpoint-url`): `--max-items N` (items printed; when more remain the output gains
//! `NextToken`), `--starting-token T` (continue from a previous output's `NextToken`),
//! `--page-size N` (items per underlying call: the same output, more or fewer calls) and the
//! global `--no-paginate` (one call, the service's own `NextMarker` / `NextToken` printed).
//!
//! [`paginate`] is the loop; each list command gives it a [`Lister`] (botocore's paginator
//! config: the service's member names and `Limit` bounds) and a function that makes one call
//! (the core's page function in-process, one signed request in client mode) and returns the
//! page as the service answers it.
//!
//! `NextToken` is botocore's token format: base64 of the JSON `{"Marker": "<NextMarker>"}` (for
//! Secrets Manager `{"NextToken": "<NextToken>"}`), the service's own continuation wrapped.
//! Each call asks for no more items than `--max-items` still needs, so a page ends exactly
//! where the output does and the token is the service's marker, which survives items added or
//! removed between the two commands. A token carrying botocore's `boto_truncate_amount` (made
//! by the AWS CLI against `strongroom serve`) is honoured too: that many items after the
//! marker are skipped.

use crate::errors::{CliError, CliResult};
use crate::output::Doc;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use clap::Args;
use serde_json::{Value, json};
use strongroom::ListLimit;

/// The most calls one list command makes (a service that never ends a list is an error).
pub const MAX_PAGES: usize = 10_000;

/// The AWS CLI's pagination flags, on every paginated list command.
#[derive(Clone, Debug, Default, Args)]
pub struct Pagination {
    /// The most items to print; when more remain, the output gains NextToken for --starting-token
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_items: Option<u32>,
    /// Continue from the NextToken that a previous --max-items output printed
    #[arg(long, value_name = "TOKEN")]
    pub starting_token: Option<String>,
    /// Items per underlying call (the service's Limit); the output is the same, only the number of calls changes
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: Option<u32>,
}

impl Pagination {
    /// The flags given, by name (for the `--no-paginate` conflict).
    fn given(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.starting_token.is_some() {
            v.push("--starting-token");
        }
        if self.page_size.is_some() {
            v.push("--page-size");
        }
        if self.max_items.is_some() {
            v.push("--max-items");
        }
        v
    }
}

/// A KMS list command's paging flags: the AWS CLI's, and the service's own `--limit` and
/// `--marker`, which (as in the AWS CLI) make one call and turn pagination off.
#[derive(Clone, Debug, Default, Args)]
pub struct KmsPaging {
    /// The AWS CLI's pagination
    #[command(flatten)]
    pub pagination: Pagination,
    /// One call returning at most N items (the service's Limit; turns pagination off, as in the AWS CLI)
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// One call from a previous NextMarker (the service's Marker; turns pagination off)
    #[arg(long, value_name = "MARKER")]
    pub marker: Option<String>,
}

/// How one list pages (botocore's paginator config for its operation).
#[derive(Clone, Copy, Debug)]
pub struct Lister {
    /// The request member of the continuation: `Marker`, or `NextToken` (Secrets Manager).
    pub input_token: &'static str,
    /// The response member of the continuation: `NextMarker`, or `NextToken`.
    pub output_token: &'static str,
    /// The request member of the page size: `Limit`, or `MaxResults`.
    pub limit_key: &'static str,
    /// The list the pages are made of: `Keys`, `Aliases`, ...
    pub result_key: &'static str,
    /// The service's default and largest page size.
    pub bounds: ListLimit,
}

const fn kms(result_key: &'static str, bounds: ListLimit) -> Lister {
    Lister {
        input_token: "Marker",
        output_token: "NextMarker",
        limit_key: "Limit",
        result_key,
        bounds,
    }
}

const fn secrets(list: &'static str, result_key: &'static str) -> Lister {
    Lister {
        input_token: "NextToken",
        output_token: "NextToken",
        limit_key: "MaxResults",
        result_key,
        bounds: ListLimit {
            list,
            default: *strongroom::SECRET_MAX_RESULTS.end(),
            max: *strongroom::SECRET_MAX_RESULTS.end(),
        },
    }
}

/// `ListKeys`.
pub const LIST_KEYS: Lister = kms("Keys", strongroom::LIST_KEYS_LIMIT);
/// `ListAliases`.
pub const LIST_ALIASES: Lister = kms("Aliases", strongroom::LIST_ALIASES_LIMIT);
/// `ListKeyRotations`.
pub const LIST_KEY_ROTATIONS: Lister = kms("Rotations", strongroom::LIST_KEY_ROTATIONS_LIMIT);
/// `ListResourceTags`.
pub const LIST_RESOURCE_TAGS: Lister = kms("Tags", strongroom::LIST_RESOURCE_TAGS_LIMIT);
/// `ListGrants`.
pub const LIST_GRANTS: Lister = kms("Grants", strongroom::LIST_GRANTS_LIMIT);
/// `ListRetirableGrants`.
pub const LIST_RETIRABLE_GRANTS: Lister = kms("Grants", strongroom::LIST_RETIRABLE_GRANTS_LIMIT);
/// `ListKeyPolicies`.
pub const LIST_KEY_POLICIES: Lister = kms("PolicyNames", strongroom::LIST_KEY_POLICIES_LIMIT);
/// Secrets Manager `ListSecrets`.
pub const LIST_SECRETS: Lister = secrets("ListSecrets", "SecretList");
/// Secrets Manager `ListSecretVersionIds`.
pub const LIST_SECRET_VERSION_IDS: Lister = secrets("ListSecretVersionIds", "Versions");

/// Lists with `fetch` (one call: page size, continuation; the page as the service answers it)
/// as the AWS CLI does. With `no_paginate`, or `manual` (the service's own limit or
/// continuation given), one call with `manual`'s values, printed as answered; otherwise calls
/// until the list ends or `--max-items` items are printed, the pages' lists joined, the
/// service's continuation replaced by `NextToken` when items remain (and `Truncated`, where the
/// service has it, saying whether they do).
pub fn paginate(
    list: &Lister,
    flags: &Pagination,
    no_paginate: bool,
    manual: (Option<u32>, Option<String>),
    mut fetch: impl FnMut(Option<u32>, Option<String>) -> CliResult<Doc>,
) -> CliResult<Doc> {
    let manual_given = manual.0.is_some() || manual.1.is_some();
    if no_paginate || manual_given {
        let given = flags.given();
        if !given.is_empty() {
            let why = if no_paginate {
                String::new()
            } else {
                format!(
                    " (--{} / --{} make one call and turn pagination off, as in the AWS CLI)",
                    flag(list.limit_key),
                    flag(list.input_token)
                )
            };
            return Err(CliError::BadInput(format!(
                "Cannot specify --no-paginate along with pagination arguments: {}{why}",
                given.join(", ")
            )));
        }
        return fetch(manual.0, manual.1);
    }
    let (mut token, mut skip) = match &flags.starting_token {
        Some(t) => decode(list, t)?,
        None => (None, 0),
    };
    let mut remaining = flags.max_items.map(|n| n as usize);
    let mut items: Vec<Doc> = Vec::new();
    for _ in 0..MAX_PAGES {
        let want = remaining.map(|r| r + skip);
        let limit = call_limit(list, flags.page_size, want);
        let asked = token.clone();
        let mut page = fetch(limit, token.clone())?;
        let next = take_continuation(list, &mut page);
        let mut got = take_list(list, &mut page);
        let skipped = skip.min(got.len());
        got.drain(..skipped);
        skip -= skipped;
        let end = match remaining {
            // More than asked for (a server that ignores Limit): stop inside this page, with
            // botocore's count of its items already printed.
            Some(r) if got.len() > r => {
                got.truncate(r);
                Some(Some(encode(list, asked.as_deref(), Some(skipped + r))))
            }
            Some(r) if got.len() == r => Some(next.as_deref().map(|m| encode(list, Some(m), None))),
            _ if next.is_none() => Some(None),
            _ => None,
        };
        if let Some(r) = remaining.as_mut() {
            *r -= got.len().min(*r);
        }
        items.extend(got);
        if let Some(next_token) = end {
            return Ok(finish(list, page, items, next_token));
        }
        token = next;
    }
    Err(CliError::BadInput(format!(
        "{} returned more than {MAX_PAGES} pages",
        list.bounds.list
    )))
}

/// `Limit` for the next call: `--page-size` (or the service's default, sent as nothing), but
/// no more than `want` (the items `--max-items` still needs), so that a page ends where the
/// output does. A `--page-size` above the service's maximum goes as given, for the service to
/// refuse (`ValidationException`), as the AWS CLI sends it.
fn call_limit(list: &Lister, page_size: Option<u32>, want: Option<usize>) -> Option<u32> {
    let want = want.map(|w| u32::try_from(w).unwrap_or(u32::MAX));
    match (page_size, want) {
        (Some(p), Some(w)) if p <= list.bounds.max => Some(p.min(w)),
        (Some(p), _) => Some(p),
        (None, Some(w)) if w < list.bounds.default => Some(w),
        (None, _) => None,
    }
}

/// The kebab-case flag of a member name (`NextToken` -> `next-token`).
fn flag(member: &str) -> String {
    let mut s = String::new();
    for (i, c) in member.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            s.push('-');
        }
        s.push(c.to_ascii_lowercase());
    }
    s
}

/// Removes the service's continuation from `page`; returns it when the page says more follow.
fn take_continuation(list: &Lister, page: &mut Doc) -> Option<String> {
    let Doc::Obj(members) = page else {
        return None;
    };
    let at = members.iter().position(|(k, _)| k == list.output_token)?;
    let (_, v) = members.remove(at);
    let more = members
        .iter()
        .find(|(k, _)| k == "Truncated")
        .is_none_or(|(_, t)| *t != Doc::Value(Value::Bool(false)));
    match v {
        Doc::Value(Value::String(m)) if more && !m.is_empty() => Some(m),
        _ => None,
    }
}

/// Takes the page's list out of `page`, leaving an empty list in its place.
fn take_list(list: &Lister, page: &mut Doc) -> Vec<Doc> {
    if let Doc::Obj(members) = page
        && let Some((_, Doc::List(items))) = members.iter_mut().find(|(k, _)| k == list.result_key)
    {
        return std::mem::take(items);
    }
    Vec::new()
}

/// The output: the last page with every page's items, `Truncated` saying whether items remain
/// and `NextToken` (last, as the AWS CLI prints it) when they do.
fn finish(list: &Lister, mut page: Doc, items: Vec<Doc>, next_token: Option<String>) -> Doc {
    if let Doc::Obj(members) = &mut page {
        for (k, v) in members.iter_mut() {
            if k == list.result_key {
                *v = Doc::List(Vec::new());
            }
            if k == "Truncated" {
                *v = Doc::Value(Value::Bool(next_token.is_some()));
            }
        }
        match members.iter_mut().find(|(k, _)| k == list.result_key) {
            Some((_, v)) => *v = Doc::List(items),
            None => members.insert(0, (list.result_key.to_string(), Doc::List(items))),
        }
        if let Some(t) = next_token {
            members.push(("NextToken".to_string(), Doc::from(t)));
        }
    }
    page
}

/// botocore's token: base64 of `{"Marker": "..."}` (the input token's name), with
/// `boto_truncate_amount` when the output stopped inside a page.
fn encode(list: &Lister, marker: Option<&str>, truncate: Option<usize>) -> String {
    // The same text as Python's json.dumps, which botocore's tokens are made of.
    let mut s = format!("{{\"{}\": {}", list.input_token, json!(marker));
    if let Some(n) = truncate {
        s.push_str(&format!(", \"boto_truncate_amount\": {n}"));
    }
    s.push('}');
    BASE64.encode(s)
}

/// A `--starting-token`: the service's continuation (`None`: from the start) and how many
/// items after it to skip. Anything that is not such a token is refused before any call, as
/// botocore's paginator refuses it (`ValidationException`); a well-formed token whose marker
/// the service does not know is the service's refusal (`InvalidMarkerException`).
fn decode(list: &Lister, token: &str) -> CliResult<(Option<String>, usize)> {
    let bad = |why: &str| {
        CliError::BadInput(format!(
            "--starting-token is not a NextToken that {} printed ({why}); pass a previous \
             output's NextToken unchanged, or start again without --starting-token",
            list.bounds.list
        ))
    };
    let bytes = BASE64.decode(token.trim()).map_err(|_| bad("not base64"))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad("not a JSON token"))?;
    let Value::Object(m) = v else {
        return Err(bad("not a JSON object"));
    };
    if let Some(k) = m
        .keys()
        .find(|k| *k != list.input_token && *k != "boto_truncate_amount")
    {
        return Err(bad(&format!("unexpected member {k:?}")));
    }
    let marker = match m.get(list.input_token) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(bad(&format!("{} is not a string", list.input_token))),
    };
    let skip = match m.get("boto_truncate_amount") {
        None => 0,
        Some(n) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| bad("boto_truncate_amount is not a count"))?,
    };
    if marker.is_none() && skip == 0 {
        return Err(bad(&format!("no {}", list.input_token)));
    }
    Ok((marker, skip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::obj;

    /// A service of `n` items `0..n` whose marker is the last item's number.
    fn service(
        n: usize,
        calls: &mut Vec<Option<u32>>,
    ) -> impl FnMut(Option<u32>, Option<String>) -> CliResult<Doc> + '_ {
        move |limit, marker| {
            calls.push(limit);
            let start = marker.map_or(0, |m| m.parse::<usize>().unwrap() + 1);
            let size = limit.unwrap_or(LIST_KEYS.bounds.default) as usize;
            let end = (start + size).min(n);
            let items: Vec<Doc> = (start..end).map(|i| Doc::from(i as u64)).collect();
            let mut o = obj!["Keys" => items];
            if end < n {
                o.push("NextMarker", (end - 1).to_string());
            }
            o.push("Truncated", end < n);
            Ok(o)
        }
    }

    fn run(n: usize, flags: &Pagination) -> (Value, Vec<Option<u32>>) {
        let mut calls = Vec::new();
        let d = paginate(
            &LIST_KEYS,
            flags,
            false,
            (None, None),
            service(n, &mut calls),
        )
        .unwrap();
        (d.to_value(), calls)
    }

    #[test]
    fn max_items_and_tokens_cover_the_list_once() {
        let all: Vec<u64> = (0..7).collect();
        let (v, _) = run(7, &Pagination::default());
        assert_eq!(v, json!({"Keys": all, "Truncated": false}));
        for page_size in [None, Some(1), Some(2), Some(100)] {
            let mut seen = Vec::new();
            let mut flags = Pagination {
                max_items: Some(3),
                starting_token: None,
                page_size,
            };
            loop {
                let (v, calls) = run(7, &flags);
                assert!(
                    calls
                        .iter()
                        .all(|c| c.unwrap_or(100) <= page_size.unwrap_or(3))
                );
                let keys = v["Keys"].as_array().unwrap();
                assert!(keys.len() <= 3);
                seen.extend(keys.iter().map(|k| k.as_u64().unwrap()));
                match v.get("NextToken") {
                    Some(t) => {
                        assert_eq!(v["Truncated"], json!(true));
                        flags.starting_token = Some(t.as_str().unwrap().to_string());
                    }
                    None => break,
                }
            }
            assert_eq!(seen, all, "{page_size:?}");
        }
    }

    #[test]
    fn tokens_are_botocores() {
        let t = encode(&LIST_KEYS, Some("ab"), None);
        assert_eq!(BASE64.decode(&t).unwrap(), br#"{"Marker": "ab"}"#);
        assert_eq!(decode(&LIST_KEYS, &t).unwrap(), (Some("ab".into()), 0));
        let t = encode(&LIST_KEYS, None, Some(3));
        assert_eq!(decode(&LIST_KEYS, &t).unwrap(), (None, 3));
        // botocore's token of a page cut after 2 of its items resumes at the third.
        let (v, _) = run(
            7,
            &Pagination {
                max_items: Some(2),
                starting_token: Some(encode(&LIST_KEYS, Some("1"), Some(2))),
                page_size: Some(3),
            },
        );
        assert_eq!(v["Keys"], json!([4, 5]));
        for bad in [
            "",
            "!!",
            "bm90IGpzb24=",
            &BASE64.encode(r#"{"NextToken": "x"}"#),
        ] {
            let e = decode(&LIST_KEYS, bad).unwrap_err();
            assert_eq!(e.exit_code(), 12, "{bad:?}");
        }
        assert_eq!(flag("NextToken"), "next-token");
    }

    #[test]
    fn no_paginate_is_one_call_and_refuses_paging_flags() {
        let mut calls = Vec::new();
        let d = paginate(
            &LIST_KEYS,
            &Pagination::default(),
            true,
            (Some(2), None),
            service(7, &mut calls),
        )
        .unwrap();
        assert_eq!(
            d.to_value(),
            json!({"Keys": [0, 1], "NextMarker": "1", "Truncated": true})
        );
        let flags = Pagination {
            max_items: Some(1),
            ..Pagination::default()
        };
        let e = paginate(
            &LIST_KEYS,
            &flags,
            true,
            (None, None),
            service(7, &mut calls),
        )
        .unwrap_err();
        assert!(e.message().contains("--max-items"), "{}", e.message());
        let e = paginate(
            &LIST_KEYS,
            &flags,
            false,
            (Some(2), None),
            service(7, &mut calls),
        )
        .unwrap_err();
        assert!(e.message().contains("--limit"), "{}", e.message());
    }
}
