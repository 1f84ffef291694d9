//! Printing results as the AWS CLI does: `--query` (JMESPath, by the `jmespath` crate) applied
//! first, then `--output json` (indented four spaces, members in AWS's response order), `text`
//! (tab-separated values), `table` (boxed sections) or `yaml`/`yaml-stream` (block YAML). As in
//! the AWS CLI, text, table and YAML list an object's members sorted by name; JSON keeps the
//! order of botocore's output shapes, which every command builds its [`Doc`] in.

use crate::errors::{CliError, CliResult};
use clap::ValueEnum;
use serde_json::{Map, Value};
use strongroom::Timestamp;

/// The `--output` formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Indented JSON with AWS field names (the default).
    #[default]
    Json,
    /// Tab-separated values; strings unquoted, as `aws --output text` prints them.
    Text,
    /// Boxed sections with sorted column headers, as `aws --output table` prints them.
    Table,
    /// Block YAML with sorted keys, as `aws --output yaml` prints it.
    Yaml,
    /// The same as yaml here (every result is one page).
    YamlStream,
}

/// A result in AWS's member order: objects keep the order their members were added in.
#[derive(Clone, Debug, PartialEq)]
pub enum Doc {
    /// A JSON scalar (or any JSON value, whose own order is sorted).
    Value(Value),
    /// A list.
    List(Vec<Doc>),
    /// An object, members in order.
    Obj(Vec<(String, Doc)>),
}

/// Builds an ordered object: `obj!["KeyId" => id, "Enabled" => true]`.
#[macro_export]
macro_rules! obj {
    ($($k:expr => $v:expr),* $(,)?) => {
        $crate::output::Doc::Obj(vec![$(($k.to_string(), $crate::output::Doc::from($v))),*])
    };
}

macro_rules! doc_from_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Doc {
            fn from(v: $t) -> Self {
                Doc::Value(Value::from(v))
            }
        }
    )*};
}
doc_from_value!(Value, String, &str, bool, u32, u64, i64);

impl From<&String> for Doc {
    fn from(v: &String) -> Self {
        Doc::Value(Value::from(v.as_str()))
    }
}

impl From<Vec<Doc>> for Doc {
    fn from(v: Vec<Doc>) -> Self {
        Doc::List(v)
    }
}

impl Doc {
    /// Adds a member to an object (no effect on other kinds).
    pub fn push(&mut self, key: &str, value: impl Into<Doc>) {
        if let Doc::Obj(members) = self {
            members.push((key.to_string(), value.into()));
        }
    }

    /// The same data as a JSON value (members sorted), for `--query` and the sorted formats.
    pub fn to_value(&self) -> Value {
        match self {
            Doc::Value(v) => v.clone(),
            Doc::List(items) => Value::Array(items.iter().map(Doc::to_value).collect()),
            Doc::Obj(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }

    /// `value` as a `Doc`, each object's members in the order they first appear in `self`
    /// (members `self` does not have last, sorted): a query's result keeps AWS's order.
    fn reorder(&self, value: Value) -> Doc {
        let mut order = Vec::new();
        self.key_order(&mut order);
        fn build(v: Value, order: &[String]) -> Doc {
            match v {
                Value::Array(items) => {
                    Doc::List(items.into_iter().map(|i| build(i, order)).collect())
                }
                Value::Object(map) => {
                    let mut members: Vec<(String, Value)> = map.into_iter().collect();
                    members.sort_by_key(|(k, _)| {
                        order.iter().position(|o| o == k).unwrap_or(usize::MAX)
                    });
                    Doc::Obj(
                        members
                            .into_iter()
                            .map(|(k, v)| (k, build(v, order)))
                            .collect(),
                    )
                }
                other => Doc::Value(other),
            }
        }
        build(value, &order)
    }

    fn key_order(&self, out: &mut Vec<String>) {
        match self {
            Doc::Value(_) => {}
            Doc::List(items) => items.iter().for_each(|i| i.key_order(out)),
            Doc::Obj(members) => {
                for (k, v) in members {
                    if !out.contains(k) {
                        out.push(k.clone());
                    }
                    v.key_order(out);
                }
            }
        }
    }
}

/// A date as the AWS CLI prints one: botocore parses AWS's epoch seconds into the local time
/// zone and the CLI prints Python's `isoformat()`, e.g. `2026-12-04T15:02:53.123000+00:00`
/// (microseconds only when not zero; the offset always).
pub fn date(t: Timestamp) -> Doc {
    Doc::Value(Value::String(iso_local(t)))
}

/// [`date`]'s text.
pub fn iso_local(t: Timestamp) -> String {
    let ms = t.unix_millis();
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return t.to_rfc3339();
    };
    let z = ts.to_zoned(jiff::tz::TimeZone::system());
    let mut s = z.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let micros = ms.rem_euclid(1000) * 1000;
    if micros != 0 {
        s.push_str(&format!(".{micros:06}"));
    }
    let off = z.offset().seconds();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.unsigned_abs();
    s.push_str(&format!("{sign}{:02}:{:02}", off / 3600, off / 60 % 60));
    s
}

/// Applies `query` to `result` and renders it in `format`, with a trailing newline. An
/// operation with nothing to return (`None`) prints nothing, as the AWS CLI does. `operation`
/// titles a table.
pub fn render(
    result: Option<Doc>,
    query: Option<&str>,
    format: Format,
    operation: &str,
) -> CliResult<String> {
    let Some(mut doc) = result else {
        return Ok(String::new());
    };
    if let Some(q) = query {
        let found = apply_query(&doc.to_value(), q)?;
        doc = doc.reorder(found);
    }
    Ok(match format {
        Format::Json => {
            let mut s = String::new();
            json(&doc, 0, &mut s);
            s.push('\n');
            s
        }
        Format::Text => {
            let mut out = String::new();
            text(&doc.to_value(), None, &mut out);
            out
        }
        Format::Yaml | Format::YamlStream => {
            let v = doc.to_value();
            let mut out = String::new();
            crate::render::yaml(&v, 0, &mut out);
            out
        }
        Format::Table => crate::render::table(&doc.to_value(), operation),
    })
}

/// JSON as Python's `json.dump(indent=4)` writes it, members in the `Doc`'s order.
fn json(d: &Doc, indent: usize, out: &mut String) {
    let pad = |n: usize| " ".repeat(n);
    match d {
        Doc::Value(v @ (Value::Array(_) | Value::Object(_))) => {
            json(&Doc::Value(Value::Null).reorder(v.clone()), indent, out)
        }
        Doc::Value(v) => out.push_str(&v.to_string()),
        Doc::List(items) if items.is_empty() => out.push_str("[]"),
        Doc::Obj(members) if members.is_empty() => out.push_str("{}"),
        Doc::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&pad(indent + 4));
                json(item, indent + 4, out);
            }
            out.push('\n');
            out.push_str(&pad(indent));
            out.push(']');
        }
        Doc::Obj(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&pad(indent + 4));
                out.push_str(&serde_json::to_string(k).expect("a string serialises"));
                out.push_str(": ");
                json(v, indent + 4, out);
            }
            out.push('\n');
            out.push_str(&pad(indent));
            out.push('}');
        }
    }
}

fn apply_query(value: &Value, query: &str) -> CliResult<Value> {
    let expr = jmespath::compile(query)
        .map_err(|e| CliError::BadInput(format!("--query is not valid JMESPath: {e}")))?;
    let found = expr
        .search(value)
        .map_err(|e| CliError::BadInput(format!("--query failed: {e}")))?;
    serde_json::to_value(&*found).map_err(|e| CliError::BadInput(format!("--query: {e}")))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("None".into()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// AWS-style text: scalars on one line; an object's scalar fields tab-separated on one line
/// (prefixed by its upper-cased name when nested), its nested objects and lists after it.
fn text(v: &Value, label: Option<&str>, out: &mut String) {
    if let Some(s) = scalar(v) {
        if let Some(l) = label {
            out.push_str(&l.to_uppercase());
            out.push('\t');
        }
        out.push_str(&s);
        out.push('\n');
        return;
    }
    match v {
        Value::Array(items) => {
            if items.iter().all(|i| scalar(i).is_some()) {
                if let Some(l) = label {
                    out.push_str(&l.to_uppercase());
                    out.push('\t');
                }
                let line: Vec<String> = items.iter().filter_map(scalar).collect();
                out.push_str(&line.join("\t"));
                out.push('\n');
            } else {
                for i in items {
                    text(i, label, out);
                }
            }
        }
        Value::Object(map) => {
            let flat: Vec<String> = map.values().filter_map(scalar).collect();
            if !flat.is_empty() {
                if let Some(l) = label {
                    out.push_str(&l.to_uppercase());
                    out.push('\t');
                }
                out.push_str(&flat.join("\t"));
                out.push('\n');
            }
            for (k, child) in map.iter().filter(|(_, c)| scalar(c).is_none()) {
                text(child, Some(k), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_then_text_prints_bare_string() {
        let v = json!({"CiphertextBlob": "QUJD", "KeyId": "k"});
        let s = render(
            Some(Doc::Value(v)),
            Some("CiphertextBlob"),
            Format::Text,
            "Encrypt",
        )
        .unwrap();
        assert_eq!(s, "QUJD\n");
    }

    #[test]
    fn json_is_indented_and_query_can_project() {
        let v = json!({"Keys": [{"KeyId": "a"}, {"KeyId": "b"}]});
        let s = render(
            Some(Doc::Value(v)),
            Some("Keys[].KeyId"),
            Format::Json,
            "ListKeys",
        )
        .unwrap();
        assert_eq!(s, "[\n    \"a\",\n    \"b\"\n]\n");
    }

    #[test]
    fn text_of_nested_objects_and_lists() {
        let v =
            json!({"Keys": [{"KeyArn": "arn1", "KeyId": "a"}, {"KeyArn": "arn2", "KeyId": "b"}]});
        let s = render(Some(Doc::Value(v)), None, Format::Text, "ListKeys").unwrap();
        assert_eq!(s, "KEYS\tarn1\ta\nKEYS\tarn2\tb\n");
    }

    #[test]
    fn json_keeps_member_order_even_through_a_query() {
        let d = crate::obj!["Z" => "z", "A" => crate::obj!["Y" => 1u32, "B" => true]];
        let s = render(Some(d.clone()), None, Format::Json, "X").unwrap();
        assert_eq!(
            s,
            "{\n    \"Z\": \"z\",\n    \"A\": {\n        \"Y\": 1,\n        \"B\": true\n    }\n}\n"
        );
        let q = render(Some(d), Some("A"), Format::Json, "X").unwrap();
        assert_eq!(q, "{\n    \"Y\": 1,\n    \"B\": true\n}\n");
    }

    #[test]
    fn dates_are_python_isoformat() {
        let s = iso_local(Timestamp::from_unix_millis(1_796_482_973_123));
        assert!(s.starts_with("2026-12-0"), "{s}");
        assert!(s.contains(":53.123000"), "{s}");
        assert_eq!(s.len(), "2026-12-04T15:02:53.123000+00:00".len());
        let whole = iso_local(Timestamp::from_unix_millis(1_796_482_973_000));
        assert_eq!(whole.len(), "2026-12-04T15:02:53+00:00".len(), "{whole}");
    }

    #[test]
    fn bad_query_is_a_validation_error() {
        let err = render(Some(Doc::Value(json!({}))), Some("[[["), Format::Json, "X").unwrap_err();
        assert_eq!(err.class(), "Validation");
        assert_eq!(render(None, None, Format::Json, "X").unwrap(), "");
    }
}
