//! PostgreSQL's naming rules: identifier truncation and the names it chooses for implicit
//! indexes and constraints (`t_pkey`, `t_a_b_key`, `t_a_idx1`, `t_a_fkey`).

/// PostgreSQL's `NAMEDATALEN - 1`: the longest identifier, in bytes.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Truncates an identifier to 63 bytes at a character boundary, as PostgreSQL does.
pub fn truncate_identifier(name: &str) -> &str {
    clip(name, MAX_IDENTIFIER_BYTES)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, shortening the longer of the two names
/// first until the whole fits in 63 bytes.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let avail = MAX_IDENTIFIER_BYTES.saturating_sub(label.len() + 1 + name2.map_or(0, |_| 1));
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 = clip(name1, n1 - 1).len();
        } else {
            n2 = clip(name2.unwrap_or(""), n2 - 1).len();
        }
    }
    let mut out = String::with_capacity(MAX_IDENTIFIER_BYTES);
    out.push_str(&name1[..n1]);
    if let Some(n2s) = name2 {
        out.push('_');
        out.push_str(&n2s[..n2]);
    }
    out.push('_');
    out.push_str(label);
    out
}

/// PostgreSQL's `ChooseRelationName`: the first of `label`, `label1`, `label2`, … whose name
/// is free.
pub fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut candidate = make_object_name(name1, name2, label);
    let mut pass = 0;
    while taken(&candidate) {
        pass += 1;
        candidate = make_object_name(name1, name2, &format!("{label}{pass}"));
    }
    candidate
}

/// PostgreSQL's `ChooseIndexNameAddition` / `ChooseForeignKeyConstraintNameAddition`: the
/// column names joined by `_`, cut at 63 bytes.
pub fn name_addition<'a>(columns: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for name in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(name);
        if out.len() >= MAX_IDENTIFIER_BYTES {
            break;
        }
    }
    clip(&out, MAX_IDENTIFIER_BYTES).to_string()
}

/// PostgreSQL's `ChooseIndexColumnNames`: a column key is named after the column, an
/// expression `expr`; duplicates get a number (`expr`, `expr1`).
pub fn index_column_names<'a>(keys: impl IntoIterator<Item = Option<&'a str>>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for key in keys {
        let base = key.unwrap_or("expr");
        let mut candidate = base.to_string();
        let mut i = 0;
        while names.contains(&candidate) {
            i += 1;
            let suffix = i.to_string();
            candidate = format!(
                "{}{}",
                clip(base, MAX_IDENTIFIER_BYTES - suffix.len()),
                suffix
            );
        }
        names.push(candidate);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_names() {
        assert_eq!(make_object_name("users", None, "pkey"), "users_pkey");
        assert_eq!(
            make_object_name("users", Some("email"), "key"),
            "users_email_key"
        );
        assert_eq!(make_object_name("t", Some("a_b"), "idx"), "t_a_b_idx");
    }

    #[test]
    fn collisions_get_numbers() {
        let taken = ["t_a_idx", "t_a_idx1"];
        assert_eq!(
            choose_name("t", Some("a"), "idx", |n| taken.contains(&n)),
            "t_a_idx2"
        );
    }

    #[test]
    fn long_names_shorten_the_longer_part_first() {
        let table = "a".repeat(40);
        let col = "b".repeat(40);
        let name = make_object_name(&table, Some(&col), "idx");
        assert_eq!(name.len(), 63);
        // 63 - len("_idx") - 1 = 58 bytes shared: 29 each.
        assert_eq!(name, format!("{}_{}_idx", "a".repeat(29), "b".repeat(29)));
        let short = make_object_name(&"x".repeat(70), Some("id"), "fkey");
        assert_eq!(short, format!("{}_id_fkey", "x".repeat(55)));
    }

    #[test]
    fn truncation_respects_characters() {
        let s = "é".repeat(40); // 80 bytes
        assert_eq!(truncate_identifier(&s).len(), 62);
    }

    #[test]
    fn expression_keys_are_named_expr() {
        assert_eq!(
            index_column_names([Some("a"), None, None, Some("a")]),
            ["a", "expr", "expr1", "a1"]
        );
    }
}
