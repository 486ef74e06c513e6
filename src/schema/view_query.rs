//! The comparison form of a view's query. A migration's `CREATE VIEW v AS SELECT id FROM t
//! WHERE id > 0` and the catalog's `pg_get_viewdef` (`SELECT t.id FROM t WHERE (t.id > 0);`)
//! are the same query spelled twice; this module reduces both to one token string.
//!
//! Kept apart from the expression canonical form on purpose: it works on text (after
//! PostgreSQL's deparser has fixed the spelling) and can be swapped for a tree comparison
//! without touching its callers.
//!
//! Normalised: keyword case and spacing, parentheses, casts (`::type`), relation qualifiers of
//! column names (`t.id` is `id`), output aliases (`AS name`), `!=` (`<>`), `LIKE`/`ILIKE` (the
//! catalog's `~~`/`~~*`), a trailing semicolon. Not normalised, so reported as a difference
//! when they differ: `IN (…)` against the catalog's `= ANY (ARRAY[…])`, `BETWEEN`, implicit
//! join order. A query with `*` in its select list has no comparison form: the catalog
//! expands the star into the columns of the day, which the text cannot know.

/// The comparison form of a query, or `None` when it selects `*`.
pub fn normalise_query(text: &str) -> Option<String> {
    let deparsed = pg_query::parse(text, 0)
        .ok()
        .and_then(|p| pg_query::deparse(&p.protobuf, Default::default()).ok())
        .unwrap_or_else(|| text.to_string());
    let tokens = drop_function_aliases(tokens(&deparsed));
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let next = tokens.get(i + 1).map(String::as_str);
        match t.as_str() {
            "(" | ")" | ";" => {}
            "*" if matches!(
                out.last().map(String::as_str),
                Some("select" | "," | "." | "distinct")
            ) =>
            {
                return None;
            }
            "::" => {
                i = skip_type(&tokens, i + 1);
                continue;
            }
            "." if matches!(out.last().map(String::as_str), Some("new" | "old")) => {
                out.push(".".into());
            }
            "." => {
                // `qualifier.name`: drop the qualifier already pushed.
                out.pop();
            }
            "as" if next.is_some_and(is_word) => {
                i += 2;
                continue;
            }
            // The catalog spells out a CASE's implicit `ELSE NULL` (with a cast).
            "end" if out.ends_with(&["else".to_string(), "null".to_string()]) => {
                out.truncate(out.len() - 2);
                out.push(t.clone());
            }
            "!=" => out.push("<>".into()),
            "like" => out.push("~~".into()),
            "ilike" => out.push("~~*".into()),
            _ => out.push(t.clone()),
        }
        i += 1;
    }
    Some(out.join(" ").replace(" . ", "."))
}

/// Drops the column aliases the catalog gives a function in `FROM`: `jsonb_each(x)` is
/// printed `jsonb_each(x) jsonb_each(key, value)`.
fn drop_function_aliases(tokens: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut opened: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t == "(" {
            opened.push(out.len());
        } else if t == ")"
            && let Some(at) = opened.pop()
        {
            let name = at.checked_sub(1).map(|n| out[n].clone());
            out.push(t.clone());
            i += 1;
            // `name ( … )` repeated as an alias with a column list.
            if name.as_ref().is_some_and(|n| is_word(n))
                && tokens.get(i) == name.as_ref()
                && tokens.get(i + 1).is_some_and(|p| p == "(")
                && let Some(close) = tokens[i + 1..].iter().position(|x| x == ")")
            {
                i += close + 2;
            }
            continue;
        }
        out.push(t.clone());
        i += 1;
    }
    out
}

/// Whether a token is an identifier or keyword.
fn is_word(t: &str) -> bool {
    t.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '"')
}

/// The index after a type name that follows `::` (several words, modifiers, `[]`).
fn skip_type(tokens: &[String], mut i: usize) -> usize {
    const WORDS: &[&str] = &["with", "without", "time", "zone", "varying", "precision"];
    if tokens.get(i).is_some_and(|t| is_word(t)) {
        i += 1;
    }
    // `pg_catalog.text`.
    while tokens.get(i).map(String::as_str) == Some(".") {
        i += 2;
    }
    while let Some(t) = tokens.get(i) {
        let modifier = t == "(" && tokens.get(i + 2).is_some_and(|c| c == ")");
        if WORDS.contains(&t.as_str()) || t == "[" || t == "]" {
            i += 1;
        } else if modifier {
            i += 3;
        } else {
            break;
        }
    }
    i
}

/// Splits SQL text into lower-cased words, quoted identifiers (unquoted), literals and
/// operators.
fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            let lit: String = chars[start..(i + 1).min(chars.len())].iter().collect();
            i += 1;
            if c == '"' {
                out.push(lit.trim_matches('"').replace("\"\"", "\""));
            } else {
                out.push(lit);
            }
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect::<String>().to_lowercase());
        } else if "(),;[].".contains(c) {
            out.push(c.to_string());
            i += 1;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !chars[i].is_alphanumeric()
                && !"(),;[].'\"_".contains(chars[i])
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_and_migration_spellings_agree() {
        let written = "select id, count(*) as n from posts p where p.score > 0 and title like 'a%'";
        let catalog = "SELECT p.id,\n    count(*) AS n\n   FROM posts p\n  WHERE ((p.score > 0) AND ((p.title)::text ~~ 'a%'::text));";
        assert_eq!(normalise_query(written), normalise_query(catalog));
        assert_eq!(
            normalise_query(
                "SELECT (SELECT jsonb_object_agg(key, value) FROM jsonb_each(r.doc)) FROM r"
            ),
            normalise_query(
                "SELECT ( SELECT jsonb_object_agg(jsonb_each.key, jsonb_each.value) AS jsonb_object_agg FROM jsonb_each(r.doc) jsonb_each(key, value)) AS jsonb_object_agg FROM r;"
            )
        );
    }

    #[test]
    fn case_without_else_is_else_null() {
        assert_eq!(
            normalise_query("SELECT CASE s WHEN 'a' THEN 1 END AS o FROM t"),
            normalise_query(
                "SELECT CASE t.s WHEN 'a'::text THEN 1 ELSE NULL::integer END AS o FROM t;"
            )
        );
    }

    #[test]
    fn different_queries_differ_and_stars_are_unknown() {
        assert_ne!(
            normalise_query("SELECT id FROM t WHERE id > 0"),
            normalise_query("SELECT id FROM t WHERE id > 1")
        );
        assert_eq!(normalise_query("SELECT * FROM t"), None);
        assert_eq!(normalise_query("SELECT t.* FROM t"), None);
        assert!(normalise_query("SELECT count(*) FROM t").is_some());
        assert!(normalise_query("SELECT a * b AS c FROM t").is_some());
    }
}
