//! Printing results as the AWS CLI does: `--query` (JMESPath, by the `jmespath` crate) applied
//! first, then `--output json` (indented JSON) or `--output text` (tab-separated values).

use crate::errors::{CliError, CliResult};
use clap::ValueEnum;
use serde_json::Value;

/// The `--output` formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Indented JSON with AWS field names (the default).
    #[default]
    Json,
    /// Tab-separated values; strings unquoted, as `aws --output text` prints them.
    Text,
}

/// Applies `query` to `result` and renders it in `format`, with a trailing newline. An
/// operation with nothing to return (`None`) prints nothing, as the AWS CLI does.
pub fn render(result: Option<Value>, query: Option<&str>, format: Format) -> CliResult<String> {
    let Some(mut value) = result else {
        return Ok(String::new());
    };
    if let Some(q) = query {
        value = apply_query(&value, q)?;
    }
    Ok(match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&value).expect("a JSON value serialises");
            s.push('\n');
            s
        }
        Format::Text => {
            let mut out = String::new();
            text(&value, None, &mut out);
            out
        }
    })
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
        let s = render(Some(v), Some("CiphertextBlob"), Format::Text).unwrap();
        assert_eq!(s, "QUJD\n");
    }

    #[test]
    fn json_is_indented_and_query_can_project() {
        let v = json!({"Keys": [{"KeyId": "a"}, {"KeyId": "b"}]});
        let s = render(Some(v), Some("Keys[].KeyId"), Format::Json).unwrap();
        assert_eq!(s, "[\n  \"a\",\n  \"b\"\n]\n");
    }

    #[test]
    fn text_of_nested_objects_and_lists() {
        let v =
            json!({"Keys": [{"KeyArn": "arn1", "KeyId": "a"}, {"KeyArn": "arn2", "KeyId": "b"}]});
        let s = render(Some(v), None, Format::Text).unwrap();
        assert_eq!(s, "KEYS\tarn1\ta\nKEYS\tarn2\tb\n");
    }

    #[test]
    fn bad_query_is_a_validation_error() {
        let err = render(Some(json!({})), Some("[[["), Format::Json).unwrap_err();
        assert_eq!(err.class(), "Validation");
        assert_eq!(render(None, None, Format::Json).unwrap(), "");
    }
}
