//! A renamed enum label inside a view's query text.
//!
//! The catalog stores a view's query as a tree in which an enum constant is the label's OID, so
//! after `ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'` `pg_get_viewdef` prints `'fine'::mood`.
//! The model keeps a view as text (see [`super::view_query`]), so the rename is applied to the
//! text, on its tokens: a string constant is the enum's when it is cast to the type
//! (`'ok'::mood`, `ARRAY['ok']::mood[]`) or compared with a column of the type (`m = 'ok'`,
//! `'ok' <> m`, `m IN ('ok', 'sad')`, `m = ANY (ARRAY['ok'])`). Columns are known by name only
//! (the columns of that type in any table), which is as precise as text allows.

/// The query text with `from` renamed to `to` where it is a value of enum `type_name`, or
/// `None` when nothing changed (or the text does not scan).
pub fn rename_label_in_query(
    text: &str,
    type_name: &str,
    typed_columns: &[&str],
    from: &str,
    to: &str,
) -> Option<String> {
    let quote = |v: &str| format!("'{}'", v.replace('\'', "''"));
    let (quoted_from, quoted_to) = (quote(from), quote(to));
    let tokens = pg_query::scan(text).ok()?.tokens;
    let words: Vec<String> = tokens
        .iter()
        .map(|t| word(text.get(t.start as usize..t.end as usize).unwrap_or("")))
        .collect();
    let is_column = |i: Option<usize>| {
        i.and_then(|i| words.get(i)).is_some_and(|w| typed_columns.contains(&w.as_str()))
            // `m::text = 'ok'` compares text: the word before `=` is then the cast's type.
            && i.and_then(|i| i.checked_sub(1)).is_none_or(|p| words[p] != "::")
    };
    let mut renamed: Vec<usize> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if *w != quoted_from {
            continue;
        }
        if cast_after(&words, i, type_name)
            || compared_before(&words, i).is_some_and(|c| is_column(Some(c)))
            || (is_comparison(words.get(i + 1)) && is_column(Some(i + 2)))
        {
            renamed.push(i);
        }
    }
    if renamed.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for i in renamed {
        let (start, end) = (tokens[i].start as usize, tokens[i].end as usize);
        out.push_str(&text[at..start]);
        out.push_str(&quoted_to);
        at = end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// A token as compared: identifiers and keywords folded to lower case (quoted ones unquoted),
/// anything else as written.
fn word(token: &str) -> String {
    if let Some(inner) = token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        inner.replace("\"\"", "\"")
    } else if token.starts_with('\'') {
        token.to_string()
    } else {
        token.to_lowercase()
    }
}

fn is_comparison(w: Option<&String>) -> bool {
    w.is_some_and(|w| matches!(w.as_str(), "=" | "<>" | "!=" | "<" | ">" | "<=" | ">="))
}

/// Whether the string at `i` (possibly in a list or `ARRAY[…]`) is followed by a cast to
/// `type_name` (`'ok'::mood`, `ARRAY['ok', 'sad']::public.mood[]`).
fn cast_after(words: &[String], i: usize, type_name: &str) -> bool {
    let mut j = i + 1;
    while j < words.len() && (words[j] == "," || words[j].starts_with('\'')) {
        j += 1;
    }
    while words.get(j).is_some_and(|w| w == "]" || w == ")") {
        j += 1;
    }
    if words.get(j).is_none_or(|w| w != "::") {
        return false;
    }
    // The type's last name: `public . mood` or `mood`.
    let mut k = j + 1;
    while words.get(k + 1).is_some_and(|w| w == ".") {
        k += 2;
    }
    words.get(k).is_some_and(|w| w == type_name)
}

/// The token index of what the string at `i` is compared with, looking back over a list or
/// `ARRAY[…]` (`m IN ('a', 'ok')`, `m = ANY (ARRAY['ok'])`, `m = 'ok'`).
fn compared_before(words: &[String], i: usize) -> Option<usize> {
    let mut j = i.checked_sub(1)?;
    while words[j] == "," || words[j].starts_with('\'') {
        j = j.checked_sub(1)?;
    }
    while matches!(
        words[j].as_str(),
        "(" | "[" | "array" | "any" | "all" | "some"
    ) {
        j = j.checked_sub(1)?;
    }
    if words[j] == "in" {
        j = j.checked_sub(1)?;
        if words[j] == "not" {
            j = j.checked_sub(1)?;
        }
    } else if is_comparison(Some(&words[j])) {
        j = j.checked_sub(1)?;
    } else {
        return None;
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed(q: &str) -> String {
        rename_label_in_query(q, "mood", &["m"], "ok", "fine").unwrap_or_else(|| q.to_string())
    }

    #[test]
    fn labels_of_the_enum_are_renamed_and_other_strings_kept() {
        for (before, after) in [
            (
                "SELECT id FROM c WHERE m = 'ok'",
                "SELECT id FROM c WHERE m = 'fine'",
            ),
            (
                "SELECT id FROM c WHERE c.m <> 'ok' AND 'ok' = m",
                "SELECT id FROM c WHERE c.m <> 'fine' AND 'fine' = m",
            ),
            (
                "SELECT id FROM c WHERE m IN ('sad', 'ok')",
                "SELECT id FROM c WHERE m IN ('sad', 'fine')",
            ),
            (
                "SELECT id FROM c WHERE m = ANY (ARRAY['ok'])",
                "SELECT id FROM c WHERE m = ANY (ARRAY['fine'])",
            ),
            (
                "SELECT 'ok'::mood, ARRAY['x', 'ok']::public.mood[]",
                "SELECT 'fine'::mood, ARRAY['x', 'fine']::public.mood[]",
            ),
            // Text, not the enum: kept.
            (
                "SELECT id FROM c WHERE m::text = 'ok' OR name = 'ok'",
                "SELECT id FROM c WHERE m::text = 'ok' OR name = 'ok'",
            ),
            ("SELECT 'ok' AS label", "SELECT 'ok' AS label"),
            ("SELECT 'ok'::other", "SELECT 'ok'::other"),
        ] {
            assert_eq!(renamed(before), after, "{before}");
        }
    }
}
