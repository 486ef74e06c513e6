//! Operator spellings that the parser keeps but PostgreSQL stores rewritten, and enum labels
//! inside expressions.
//!
//! PostgreSQL's parse analysis turns `a BETWEEN x AND y` into `a >= x AND a <= y`, `LIKE` into
//! the `~~` operator, `SIMILAR TO` into `~` with `similar_to_escape(…)`, and prints the
//! functions of `pg_catalog` unqualified; `pg_get_constraintdef` and `pg_get_expr` show that
//! form. A migration's spelling is rewritten here into the same form, so that a CHECK written
//! one way and read back from the catalog the other way compare equal.

use pg_query::NodeEnum;
use pg_query::protobuf::{self, AExprKind, BoolExprType, Node};

use super::collect_children;

/// Rewrites one node into the form the catalog prints (see the module documentation).
pub(super) fn respell_operator(node: &mut Node) {
    match node.node.as_mut() {
        Some(NodeEnum::AExpr(e)) => {
            let kind = e.kind;
            if kind == AExprKind::AexprLike as i32
                || kind == AExprKind::AexprIlike as i32
                || kind == AExprKind::AexprSimilar as i32
            {
                // The operator name is already the stored one (`~~`, `!~~*`, `~`).
                e.kind = AExprKind::AexprOp as i32;
            } else if (kind == AExprKind::AexprBetween as i32
                || kind == AExprKind::AexprNotBetween as i32)
                && let Some(rewritten) = between(e, kind == AExprKind::AexprNotBetween as i32)
            {
                *node = rewritten;
            }
        }
        // The parser folds a left operand of the same kind into one list (`a AND b AND c` is
        // one AND of three), also when it reads the catalog's `((a >= 1) AND (a <= 5)) AND c`;
        // a BETWEEN written first must fold the same way once expanded.
        Some(NodeEnum::BoolExpr(b)) if b.boolop != BoolExprType::NotExpr as i32 => {
            while let Some(first) = b.args.first_mut() {
                respell_operator(first);
                match first.node.as_mut() {
                    Some(NodeEnum::BoolExpr(inner)) if inner.boolop == b.boolop => {
                        let inner_args = std::mem::take(&mut inner.args);
                        b.args.splice(0..1, inner_args);
                    }
                    _ => break,
                }
            }
        }
        Some(NodeEnum::FuncCall(f)) if f.funcname.len() == 2 => {
            let system = matches!(
                f.funcname[0].node.as_ref(),
                Some(NodeEnum::String(s)) if s.sval == "pg_catalog"
            );
            if system {
                f.funcname.remove(0);
            }
        }
        _ => {}
    }
}

/// `a BETWEEN x AND y` as `a >= x AND a <= y`, `NOT BETWEEN` as `a < x OR a > y`.
fn between(e: &mut protobuf::AExpr, negated: bool) -> Option<Node> {
    let Some(NodeEnum::List(bounds)) = e.rexpr.as_ref()?.node.as_ref() else {
        return None;
    };
    let [low, high] = bounds.items.as_slice() else {
        return None;
    };
    let subject = e.lexpr.as_deref()?;
    let (lo_op, hi_op, join) = if negated {
        ("<", ">", BoolExprType::OrExpr)
    } else {
        (">=", "<=", BoolExprType::AndExpr)
    };
    Some(Node {
        node: Some(NodeEnum::BoolExpr(Box::new(protobuf::BoolExpr {
            xpr: None,
            boolop: join as i32,
            args: vec![
                operator(lo_op, subject.clone(), low.clone()),
                operator(hi_op, subject.clone(), high.clone()),
            ],
            location: -1,
        }))),
    })
}

/// A binary operator expression as the parser builds it.
fn operator(name: &str, left: Node, right: Node) -> Node {
    Node {
        node: Some(NodeEnum::AExpr(Box::new(protobuf::AExpr {
            kind: AExprKind::AexprOp as i32,
            name: vec![Node {
                node: Some(NodeEnum::String(protobuf::String { sval: name.into() })),
            }],
            lexpr: Some(Box::new(left)),
            rexpr: Some(Box::new(right)),
            location: -1,
            ..Default::default()
        }))),
    }
}

/// Renames enum label `from` to `to` where the expression uses it as a value of the enum type
/// `type_name`: a string constant cast to that type (`'a'::mood`, or an element of
/// `ARRAY['a']::mood[]`), or compared with one of `typed_columns`, the columns of that type
/// (`m = 'a'`, `m IN ('a', 'b')`, `m = ANY (ARRAY['a'])`, `m <> 'a'`). PostgreSQL stores such a
/// constant as the label's OID, so the catalog prints the new label after `ALTER TYPE …
/// RENAME VALUE`; any other string (`name = 'a'` on a text column) keeps its text. Returns
/// whether anything changed.
pub(super) fn rename_label(
    root: &mut Node,
    type_name: &str,
    typed_columns: &[&str],
    from: &str,
    to: &str,
) -> bool {
    let mut changed = false;
    let mut stack: Vec<&mut Node> = vec![root];
    while let Some(node) = stack.pop() {
        match node.node.as_mut() {
            Some(NodeEnum::TypeCast(cast)) if casts_to(cast, type_name) => {
                if let Some(arg) = cast.arg.as_deref_mut() {
                    changed |= rename_constants(arg, from, to);
                }
            }
            Some(NodeEnum::AExpr(e))
                if [&e.lexpr, &e.rexpr]
                    .into_iter()
                    .any(|side| names_one_of(side.as_deref(), type_name, typed_columns)) =>
            {
                for side in [e.lexpr.as_deref_mut(), e.rexpr.as_deref_mut()]
                    .into_iter()
                    .flatten()
                {
                    changed |= rename_constants(side, from, to);
                }
            }
            _ => {}
        }
        if let Some(inner) = node.node.as_mut() {
            collect_children(inner, &mut stack);
        }
    }
    changed
}

/// Whether a cast's target is `type_name` or an array of it.
fn casts_to(cast: &protobuf::TypeCast, type_name: &str) -> bool {
    cast.type_name
        .as_ref()
        .and_then(|t| t.names.last())
        .is_some_and(
            |n| matches!(n.node.as_ref(), Some(NodeEnum::String(s)) if s.sval == type_name),
        )
}

/// Whether `node` is a value of enum `type_name`: a cast to it, or a reference to one of
/// `columns`, the columns of that type (`m::text = 'a'` compares text, not the enum).
fn names_one_of(node: Option<&Node>, type_name: &str, columns: &[&str]) -> bool {
    match node.and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::TypeCast(c)) => casts_to(c, type_name),
        Some(NodeEnum::ColumnRef(c)) => c
            .fields
            .last()
            .and_then(|f| match f.node.as_ref() {
                Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                _ => None,
            })
            .is_some_and(|name| columns.contains(&name)),
        _ => false,
    }
}

/// Renames the string constants equal to `from` in a value position: the constant itself, the
/// elements of a list or `ARRAY[…]`, through casts. Stops at anything else (a function's
/// arguments are not values of the enum).
fn rename_constants(node: &mut Node, from: &str, to: &str) -> bool {
    match node.node.as_mut() {
        Some(NodeEnum::AConst(c)) => match c.val.as_mut() {
            Some(protobuf::a_const::Val::Sval(s)) if s.sval == from => {
                s.sval = to.to_string();
                true
            }
            _ => false,
        },
        Some(NodeEnum::TypeCast(c)) => c
            .arg
            .as_deref_mut()
            .is_some_and(|a| rename_constants(a, from, to)),
        Some(NodeEnum::List(l)) => l
            .items
            .iter_mut()
            .fold(false, |acc, i| rename_constants(i, from, to) | acc),
        Some(NodeEnum::AArrayExpr(a)) => a
            .elements
            .iter_mut()
            .fold(false, |acc, i| rename_constants(i, from, to) | acc),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::expr::SqlExpr;

    fn text(e: &str) -> String {
        SqlExpr::parse(e).unwrap().into_text()
    }

    /// What `pg_get_constraintdef` printed on PostgreSQL 15 for each CHECK as written
    /// (testdata/drift-fidelity/migrations/005_checks.sql builds them all).
    #[test]
    fn catalog_spellings_of_checks_compare_equal() {
        for (catalog, written) in [
            ("((price >= (0)::numeric))", "price >= 0"),
            ("(((qty > 0) AND (qty < 1000)))", "qty > 0 AND qty < 1000"),
            (
                "((status = ANY (ARRAY['a'::text, 'b'::text, 'c'::text])))",
                "status IN ('a', 'b', 'c')",
            ),
            (
                "(((code)::text <> ALL ((ARRAY['x'::character varying, 'y'::character varying])::text[])))",
                "code NOT IN ('x', 'y')",
            ),
            ("(((age >= 0) AND (age <= 150)))", "age BETWEEN 0 AND 150"),
            ("(((age2 < 5) OR (age2 > 10)))", "age2 NOT BETWEEN 5 AND 10"),
            ("((length((label)::text) > 2))", "length(label) > 2"),
            ("((email ~* '^.+@.+$'::text))", "email ~* '^.+@.+$'"),
            ("((m <> 'sad'::mood))", "m <> 'sad'"),
            ("((d > '2020-01-01'::date))", "d > '2020-01-01'"),
            (
                "((ts < (now() + '1 day'::interval)))",
                "ts < now() + interval '1 day'",
            ),
            ("((r <> (0.5)::double precision))", "r != 0.5"),
            ("(((a + (b * 2)) > '-1'::integer))", "a + b * 2 > -1"),
            (
                "((COALESCE(a, 0) <= COALESCE(b, 0)))",
                "coalesce(a, 0) <= coalesce(b, 0)",
            ),
            (
                "(CASE WHEN (a > 0) THEN (b > 0) ELSE true END)",
                "CASE WHEN a > 0 THEN b > 0 ELSE true END",
            ),
            (
                "(((code)::text ~ similar_to_escape('x%'::text)))",
                "code SIMILAR TO 'x%'",
            ),
            (
                "((((code)::text ~~ 'x%'::text) AND (email !~~* '%@x'::text)))",
                "code LIKE 'x%' AND email NOT ILIKE '%@x'",
            ),
            ("((a IS DISTINCT FROM b))", "a IS DISTINCT FROM b"),
            // An expanded BETWEEN first in an AND / OR is folded into it, as the parser folds
            // the catalog's text; second, it stays nested on both sides.
            (
                "((((age >= 1) AND (age <= 5)) AND ((code)::text ~~ 'x%'::text)))",
                "age BETWEEN 1 AND 5 AND code LIKE 'x%'",
            ),
            (
                "((((age < 0) OR (age > 17)) OR (email ~~* '%@x'::text)))",
                "age NOT BETWEEN 0 AND 17 OR email ILIKE '%@x'",
            ),
            (
                "(((a > 0) AND ((age >= 1) AND (age <= 5))))",
                "a > 0 AND age BETWEEN 1 AND 5",
            ),
        ] {
            assert_eq!(text(catalog), text(written), "{catalog} vs {written}");
        }
    }

    #[test]
    fn different_checks_stay_different() {
        for (a, b) in [
            ("age BETWEEN 0 AND 150", "age BETWEEN 0 AND 149"),
            ("age BETWEEN 0 AND 150", "age NOT BETWEEN 0 AND 150"),
            ("code LIKE 'x%'", "code ILIKE 'x%'"),
            ("code LIKE 'x%'", "code NOT LIKE 'x%'"),
            ("code SIMILAR TO 'x%'", "code ~ 'x%'"),
            ("status IN ('a', 'b')", "status IN ('b', 'a')"),
            ("a > 0", "a >= 0"),
        ] {
            assert_ne!(text(a), text(b), "{a} vs {b}");
        }
    }

    fn renamed(e: &str, columns: &[&str]) -> String {
        let mut e = SqlExpr::parse(e).unwrap();
        e.rename_enum_label("mood", columns, "sad", "unhappy");
        e.into_text()
    }

    #[test]
    fn enum_labels_are_renamed_only_where_they_are_the_enums() {
        let m = &["m", "m2"];
        for (before, after) in [
            ("m <> 'sad'", "m <> 'unhappy'"),
            ("m2 IN ('ok', 'sad')", "m2 IN ('ok', 'unhappy')"),
            ("'sad' = m", "'unhappy' = m"),
            (
                "m = ANY (ARRAY['sad', 'ok'])",
                "m = ANY (ARRAY['unhappy', 'ok'])",
            ),
            ("x = 'sad'::mood", "x = 'unhappy'::mood"),
            (
                "x = ANY (ARRAY['sad']::mood[])",
                "x = ANY (ARRAY['unhappy']::mood[])",
            ),
            ("x::mood = 'sad'", "x::mood = 'unhappy'"),
            // Text comparisons keep their text: the catalog stores a string there.
            ("m::text <> 'sad'", "m::text <> 'sad'"),
            ("status = 'sad'", "status = 'sad'"),
            ("lower(label) = 'sad'", "lower(label) = 'sad'"),
            ("x = 'sad'::other", "x = 'sad'::other"),
            ("m = 'happy'", "m = 'happy'"),
        ] {
            assert_eq!(renamed(before, m), text(after), "{before}");
        }
        // Without the column of the enum type, a bare string is not the enum's.
        assert_eq!(renamed("m <> 'sad'", &[]), text("m <> 'sad'"));
    }
}
