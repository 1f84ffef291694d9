//! IAM's wildcards: `*` matches any run of characters (none included), `?` exactly one.

/// The length of the UTF-8 character that starts with `b`.
fn char_len(b: u8) -> usize {
    match b {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// Whether `text` matches `pattern`; `ignore_case` compares ASCII letters without case (IAM's
/// action names), otherwise exactly (ARNs, condition values of `StringLike`). Linear in the
/// lengths times the number of `*`, without recursion.
pub(crate) fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen and the text position it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(b'?') => {
                pi += 1;
                ti += char_len(t[ti]);
            }
            Some(&c) if same(c, t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    let next = st + char_len(t[st]);
                    star = Some((sp, next));
                    pi = sp + 1;
                    ti = next;
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards() {
        assert!(matches("kms:*", "kms:Encrypt", false));
        assert!(matches("kms:Describe*", "kms:DescribeKey", false));
        assert!(!matches("kms:Describe*", "kms:Decrypt", false));
        assert!(matches("kms:?ncrypt", "kms:Encrypt", false));
        assert!(!matches("kms:?ncrypt", "kms:ReEncrypt", false));
        assert!(matches("*", "", false));
        assert!(matches("a*b*c", "aXXbYYbc", false));
        assert!(!matches("a*b*c", "aXXbYYb", false));
        assert!(matches("KMS:ENCRYPT", "kms:Encrypt", true));
        assert!(!matches("KMS:ENCRYPT", "kms:Encrypt", false));
        assert!(matches("caf?", "café", false));
        assert!(matches("?", "é", false));
        assert!(!matches("??", "é", false));
        assert!(matches("é*", "éa", false));
        assert!(!matches("abc", "ab", false));
        assert!(!matches("ab", "abc", false));
    }
}
