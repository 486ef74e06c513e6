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
//! catalog's `~~`/`~~*`), a trailing semicolon, and on the tree before the text is printed
//! `IN (…)` as the catalog's `= ANY (ARRAY[…])` (`NOT IN` as `<> ALL`) and `[NOT] BETWEEN` as
//! two comparisons, through the expression forms CHECKs use (outside subqueries in an
//! expression). Not normalised, so reported as a difference when they differ: `BETWEEN
//! SYMMETRIC`, `IN`/`BETWEEN` inside a subquery of an expression, implicit join order. A query with `*` in its select list has no comparison form: the catalog
//! expands the star into the columns of the day, which the text cannot know.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, Node};

/// The comparison form of a query, or `None` when it selects `*`.
pub fn normalise_query(text: &str) -> Option<String> {
    let deparsed = pg_query::parse(text, 0)
        .ok()
        .and_then(|mut p| {
            for raw in &mut p.protobuf.stmts {
                if let Some(stmt) = raw.stmt.as_mut() {
                    respell_query(stmt);
                }
            }
            pg_query::deparse(&p.protobuf, Default::default()).ok()
        })
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

/// Rewrites the expressions of a query (select list, FROM and JOIN conditions, WHERE,
/// GROUP BY, HAVING, ORDER BY, set operations, CTEs and FROM subqueries) into the operator
/// forms the catalog stores: `IN (…)` as `= ANY (ARRAY[…])`, `BETWEEN` as two comparisons.
fn respell_query(node: &mut Node) {
    match node.node.as_mut() {
        Some(NodeEnum::SelectStmt(s)) => respell_select(s),
        Some(NodeEnum::ResTarget(r)) => r.val.iter_mut().for_each(|v| respell_query(v)),
        Some(NodeEnum::SortBy(b)) => b.node.iter_mut().for_each(|v| respell_query(v)),
        Some(NodeEnum::JoinExpr(j)) => {
            for n in [&mut j.larg, &mut j.rarg, &mut j.quals]
                .into_iter()
                .flatten()
            {
                respell_query(n);
            }
        }
        Some(NodeEnum::RangeSubselect(r)) => r.subquery.iter_mut().for_each(|q| respell_query(q)),
        Some(NodeEnum::CommonTableExpr(c)) => c.ctequery.iter_mut().for_each(|q| respell_query(q)),
        Some(NodeEnum::RangeVar(_) | NodeEnum::RangeFunction(_)) | None => {}
        Some(_) => crate::schema::expr::respell_query_operators(node),
    }
}

/// [`respell_query`] over one SELECT (and the two sides of a UNION / INTERSECT / EXCEPT).
fn respell_select(s: &mut protobuf::SelectStmt) {
    for n in s
        .target_list
        .iter_mut()
        .chain(s.from_clause.iter_mut())
        .chain(s.group_clause.iter_mut())
        .chain(s.sort_clause.iter_mut())
        .chain(s.with_clause.iter_mut().flat_map(|w| w.ctes.iter_mut()))
    {
        respell_query(n);
    }
    for n in [&mut s.where_clause, &mut s.having_clause]
        .into_iter()
        .flatten()
    {
        respell_query(n);
    }
    for side in [&mut s.larg, &mut s.rarg].into_iter().flatten() {
        respell_select(side);
    }
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
        // `[]` of an array type; a lone `]` closes an `ARRAY[…]` whose last element is cast.
        let array = t == "[" && tokens.get(i + 1).is_some_and(|c| c == "]");
        if WORDS.contains(&t.as_str()) {
            i += 1;
        } else if array {
            i += 2;
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

    /// `pg_get_viewdef` of PostgreSQL 15 for these views: `IN` printed as `= ANY (ARRAY[…])`
    /// (one value as `=`), `BETWEEN` as two comparisons, in WHERE, JOIN … ON and ORDER BY.
    #[test]
    fn in_lists_and_between_agree_with_the_catalog() {
        let pairs = [
            (
                "SELECT b, e FROM ch WHERE e IN (1,2) AND d BETWEEN 1 AND 5 AND x NOT IN (3,4) \
                 AND e NOT BETWEEN 7 AND 9",
                " SELECT ch.b,\n    ch.e\n   FROM ch\n  WHERE ((ch.e = ANY (ARRAY[1, 2])) AND \
                 ((ch.d >= 1) AND (ch.d <= 5)) AND (ch.x <> ALL (ARRAY[3, 4])) AND \
                 ((ch.e < 7) OR (ch.e > 9)));",
            ),
            (
                "SELECT a.id, b.s FROM vt a JOIN vt b ON b.n BETWEEN a.n AND a.n + 10 \
                 WHERE a.s IN ('x', 'y') AND b.s NOT IN ('z') AND a.id NOT BETWEEN 3 AND 4 \
                 ORDER BY CASE WHEN a.n IN (1, 2) THEN 0 ELSE 1 END",
                " SELECT a.id,\n    b.s\n   FROM (vt a\n     JOIN vt b ON (((b.n >= a.n) AND \
                 (b.n <= (a.n + 10)))))\n  WHERE ((a.s = ANY (ARRAY['x'::text, 'y'::text])) AND \
                 (b.s <> 'z'::text) AND ((a.id < 3) OR (a.id > 4)))\n  ORDER BY\n        CASE\n \
                 WHEN (a.n = ANY (ARRAY[1, 2])) THEN 0\n            ELSE 1\n        END;",
            ),
        ];
        for (written, catalog) in pairs {
            assert_eq!(
                normalise_query(written),
                normalise_query(catalog),
                "{written}"
            );
        }
        // Other values or bounds still differ.
        assert_ne!(
            normalise_query("SELECT id FROM t WHERE id IN (1, 2)"),
            normalise_query("SELECT t.id FROM t WHERE (t.id = ANY (ARRAY[1, 3]));")
        );
        assert_ne!(
            normalise_query("SELECT id FROM t WHERE id BETWEEN 1 AND 5"),
            normalise_query("SELECT t.id FROM t WHERE ((t.id >= 1) AND (t.id <= 6));")
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
