//! `--output yaml` and `--output table`, drawn as the AWS CLI draws them: YAML in block style
//! with sorted keys, sequences level with their key and strings quoted only where YAML would
//! read them as something else (dates, numbers, booleans); tables as boxed sections titled by
//! the operation and by each nested member, with scalar members as sorted column headers.

use serde_json::Value;

/// YAML for `v` at `indent` spaces, appended to `out`.
pub fn yaml(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                out.push_str(&" ".repeat(indent));
                out.push_str(&yaml_str(k));
                out.push(':');
                yaml_child(child, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                yaml_item(item, indent + 2, out);
            }
        }
        scalar => {
            out.push_str(&yaml_scalar(scalar));
            out.push('\n');
            if !matches!(scalar, Value::Object(_) | Value::Array(_)) {
                out.push_str("...\n");
            }
        }
    }
}

/// A member's value after `key:`.
fn yaml_child(child: &Value, indent: usize, out: &mut String) {
    match child {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            yaml(child, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            yaml(child, indent, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&yaml_scalar(child));
            out.push('\n');
        }
    }
}

/// A sequence item after `- ` (the first member of a mapping on the same line).
fn yaml_item(item: &Value, indent: usize, out: &mut String) {
    match item {
        Value::Object(map) if !map.is_empty() => {
            for (i, (k, child)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str(&yaml_str(k));
                out.push(':');
                yaml_child(child, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, inner) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&" ".repeat(indent));
                }
                out.push_str("- ");
                yaml_item(inner, indent + 2, out);
            }
        }
        scalar => {
            out.push_str(&yaml_scalar(scalar));
            out.push('\n');
        }
    }
}

fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_str(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string plain when YAML reads it back as that string, else quoted.
fn yaml_str(s: &str) -> String {
    if s.chars().any(|c| c.is_control()) {
        return serde_json::to_string(s).expect("a string serialises");
    }
    if needs_quotes(s) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    s.to_string()
}

fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return true;
    };
    let lower = s.to_ascii_lowercase();
    let reserved = matches!(
        lower.as_str(),
        "true"
            | "false"
            | "null"
            | "~"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".inf"
            | "-.inf"
            | ".nan"
    );
    let numeric = s.parse::<f64>().is_ok()
        || (s.starts_with("0x") && s.len() > 2)
        || (s.starts_with("0o") && s.len() > 2);
    let date =
        s.len() >= 8 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) && s.as_bytes()[4] == b'-';
    reserved
        || numeric
        || date
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.starts_with(' ')
        || s.ends_with(' ')
}

enum Row {
    Header(Vec<String>),
    Data(Vec<String>),
}

struct Section {
    level: usize,
    title: Option<String>,
    rows: Vec<Row>,
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// Sections as the AWS CLI's table formatter builds them (`_build_table`).
fn build(title: Option<&str>, v: &Value, level: usize, out: &mut Vec<Section>) {
    let empty = match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        Value::Null => true,
        _ => false,
    };
    if empty {
        return;
    }
    let mut section = Section {
        level,
        title: title.map(str::to_string),
        rows: Vec::new(),
    };
    match v {
        Value::Array(items) if items.iter().all(Value::is_object) => {
            let mut headers: Vec<String> = Vec::new();
            let mut more: Vec<String> = Vec::new();
            for item in items {
                for (k, c) in item.as_object().into_iter().flatten() {
                    let list = if is_scalar(c) {
                        &mut headers
                    } else {
                        &mut more
                    };
                    if !list.contains(k) {
                        list.push(k.clone());
                    }
                }
            }
            headers.sort();
            more.sort();
            for (i, item) in items.iter().enumerate() {
                if i > 0 && !more.is_empty() {
                    out.push(section);
                    section = Section {
                        level,
                        title: title.map(str::to_string),
                        rows: Vec::new(),
                    };
                }
                if i == 0 || !more.is_empty() {
                    section.rows.push(Row::Header(headers.clone()));
                }
                let row = headers
                    .iter()
                    .map(|h| item.get(h).map(cell).unwrap_or_default())
                    .collect();
                section.rows.push(Row::Data(row));
                if !more.is_empty() {
                    out.push(section);
                    section = Section {
                        level: usize::MAX,
                        title: None,
                        rows: Vec::new(),
                    };
                    for m in &more {
                        if let Some(c) = item.get(m) {
                            build(Some(m), c, level + 1, out);
                        }
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Array(inner) if inner.iter().all(is_scalar) => section
                        .rows
                        .push(Row::Data(inner.iter().map(cell).collect())),
                    s if is_scalar(s) => section.rows.push(Row::Data(vec![cell(s)])),
                    other => {
                        out.push(section);
                        section = Section {
                            level: usize::MAX,
                            title: None,
                            rows: Vec::new(),
                        };
                        build(None, other, level, out);
                    }
                }
            }
        }
        Value::Object(map) => {
            let headers: Vec<&String> = map.keys().filter(|k| is_scalar(&map[*k])).collect();
            if headers.len() == 1 {
                section
                    .rows
                    .push(Row::Data(vec![headers[0].clone(), cell(&map[headers[0]])]));
            } else if !headers.is_empty() {
                section
                    .rows
                    .push(Row::Header(headers.iter().map(|h| h.to_string()).collect()));
                section
                    .rows
                    .push(Row::Data(headers.iter().map(|h| cell(&map[*h])).collect()));
            }
            out.push(section);
            section = Section {
                level: usize::MAX,
                title: None,
                rows: Vec::new(),
            };
            for (k, c) in map.iter().filter(|(_, c)| !is_scalar(c)) {
                build(Some(k), c, level + 1, out);
            }
        }
        s => section.rows.push(Row::Data(vec![cell(s)])),
    }
    out.push(section);
}

fn columns(rows: &[Row]) -> Vec<usize> {
    let mut w: Vec<usize> = Vec::new();
    for r in rows {
        let (Row::Header(c) | Row::Data(c)) = r;
        for (i, s) in c.iter().enumerate() {
            let n = s.chars().count() + 4;
            if i >= w.len() {
                w.push(n);
            } else {
                w[i] = w[i].max(n);
            }
        }
    }
    w
}

/// The table for `v`, titled `title` (the operation's name).
pub fn table(v: &Value, title: &str) -> String {
    let mut sections = Vec::new();
    build(Some(title), v, 0, &mut sections);
    sections.retain(|s| s.level != usize::MAX && (s.title.is_some() || !s.rows.is_empty()));
    if sections.is_empty() {
        return String::new();
    }
    // One width for every section, as the AWS CLI draws them.
    let width = sections
        .iter()
        .map(|s| {
            let cols = columns(&s.rows);
            let inner = cols.iter().sum::<usize>() + cols.len().saturating_sub(1);
            let t = s.title.as_ref().map_or(0, |t| t.chars().count() + 4);
            inner.max(t) + 2 + 2 * s.level
        })
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    out.push_str(&"-".repeat(width));
    out.push('\n');
    for s in &sections {
        let side = "|".repeat(s.level);
        let inner = width - 2 - 2 * s.level;
        let mut cols = columns(&s.rows);
        let used = cols.iter().sum::<usize>() + cols.len().saturating_sub(1);
        if let Some(last) = cols.last_mut() {
            *last += inner.saturating_sub(used);
        }
        let rule = |out: &mut String| {
            let parts: Vec<String> = cols.iter().map(|w| "-".repeat(*w)).collect();
            let body = if parts.is_empty() {
                "-".repeat(inner)
            } else {
                parts.join("+")
            };
            out.push_str(&format!("{side}+{body}+{side}\n"));
        };
        if let Some(t) = &s.title {
            out.push_str(&format!("{side}|{t:^inner$}|{side}\n"));
            rule(&mut out);
        }
        for r in &s.rows {
            let (Row::Header(c) | Row::Data(c)) = r;
            let cells: Vec<String> = c
                .iter()
                .zip(&cols)
                .map(|(text, w)| match r {
                    Row::Header(_) => format!("{text:^w$}"),
                    Row::Data(_) => format!("  {text:<0$}", w - 2),
                })
                .collect();
            out.push_str(&format!("{side}|{}|{side}\n", cells.join("|")));
            if matches!(r, Row::Header(_)) {
                rule(&mut out);
            }
        }
        if !s.rows.is_empty() {
            rule(&mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_like_the_aws_cli() {
        let v = json!({"KeyMetadata": {"KeyId": "k", "CreationDate": "2026-12-04T15:02:53+00:00",
            "Enabled": true, "Description": "", "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "AWSAccountId": "111122223333"}, "Keys": [{"KeyId": "a", "KeyArn": "arn:x"}]});
        let mut s = String::new();
        yaml(&v, 0, &mut s);
        assert_eq!(
            s,
            "KeyMetadata:\n  AWSAccountId: '111122223333'\n  CreationDate: '2026-12-04T15:02:53+00:00'\n  \
             Description: ''\n  Enabled: true\n  EncryptionAlgorithms:\n  - SYMMETRIC_DEFAULT\n  KeyId: k\n\
             Keys:\n- KeyArn: arn:x\n  KeyId: a\n"
        );
    }

    #[test]
    fn table_has_titled_sections() {
        let v = json!({"Keys": [{"KeyId": "a", "KeyArn": "arn:a"}], "Truncated": false});
        let t = table(&v, "ListKeys");
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[1].contains("ListKeys"), "{t}");
        assert!(t.contains("Truncated") && t.contains("False"), "{t}");
        assert!(
            t.contains("||") && t.contains("Keys") && t.contains("arn:a"),
            "{t}"
        );
        let w = lines[0].len();
        assert!(lines.iter().all(|l| l.chars().count() == w), "{t}");
    }
}
