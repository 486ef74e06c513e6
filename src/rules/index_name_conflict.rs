//! `index-name-conflict`: an index (or a constraint's index) takes a name a relation already has.
//!
//! With `IF NOT EXISTS`, PostgreSQL skips the statement with a notice: when the existing index
//! differs, the index the migration asks for silently never exists. Without it, the statement
//! fails with `relation "…" already exists`.

use super::{Check, RuleInput};
use crate::finding::{Finding, Severity};
use crate::schema::ddl::index_definition;
use crate::schema::Index;
use crate::schema::replay::{Event, same_definition};

declare_rule!(
    INDEX_NAME_CONFLICT,
    "index-name-conflict",
    Warning,
    "An index whose name a relation already has: skipped silently with IF NOT EXISTS, an error without.",
    Check::Model(check)
);

fn check(input: &RuleInput<'_>, out: &mut Vec<Finding>) {
    for event in input.events {
        let Event::NameConflict {
            name,
            if_not_exists,
            existing_kind,
            existing,
            existing_index,
            new_index,
            location,
        } = event
        else {
            continue;
        };
        let existing_index = existing_index.as_deref();
        let finding = if !*if_not_exists {
            let what = match &new_index.constraint {
                Some(c) => format!("constraint `{c}`"),
                None => format!("index `{}`", name.name),
            };
            Finding::new(
                &INDEX_NAME_CONFLICT,
                format!(
                    "{what} cannot be created: {} {existing_kind} named `{}` already exists, so PostgreSQL fails with `relation \"{}\" already exists`",
                    article(existing_kind),
                    name.name,
                    name.name
                ),
                *location,
            )
            .severity(Severity::Error)
            .help("give the new index another name, or drop the existing relation first")
        } else if let Some(old) = existing_index.filter(|old| same(old, new_index)) {
            Finding::new(
                &INDEX_NAME_CONFLICT,
                format!(
                    "`CREATE INDEX IF NOT EXISTS {}` does nothing: the index already exists with the same definition ({})",
                    name.name,
                    on(old)
                ),
                *location,
            )
            .severity(Severity::Info)
            .help("remove the statement, it is a no-op")
        } else {
            let existing_text = match existing_index {
                Some(old) => format!("index `{}` already exists as {}", name.name, on(old)),
                None => format!(
                    "{} {existing_kind} named `{}` already exists",
                    article(existing_kind),
                    name.name
                ),
            };
            Finding::new(
                &INDEX_NAME_CONFLICT,
                format!(
                    "`CREATE INDEX IF NOT EXISTS {}` is silently skipped: {existing_text}, so the requested {} never exists",
                    name.name,
                    on(new_index)
                ),
                *location,
            )
            .help(format!(
                "give the new index another name, or DROP INDEX {} first if it should replace the old one",
                name
            ))
        };
        out.push(
            finding
                .table(&new_index.table)
                .object(name.name.clone())
                .related(
                    name.to_string(),
                    *existing,
                    format!("the existing {existing_kind} is created here"),
                ),
        );
    }
}

/// Whether the skipped index would have been the existing one.
fn same(old: &Index, new: &Index) -> bool {
    old.table == new.table && same_definition(old, new)
}

/// `ON public.t USING btree (a)`.
fn on(index: &Index) -> String {
    format!("`ON {} {}`", index.table, index_definition(index))
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::lint;
    use crate::finding::{Finding, Severity};

    const T: &str = "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\n\
                     CREATE INDEX t_idx ON t (a);\n";

    fn findings(rest: &str) -> Vec<Finding> {
        lint(&super::INDEX_NAME_CONFLICT, &format!("{T}{rest}"))
    }

    #[test]
    fn if_not_exists_with_another_definition_is_a_warning_with_both_definitions() {
        let f = findings("CREATE INDEX IF NOT EXISTS t_idx ON t (b);");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].object.as_deref(), Some("t_idx"));
        assert_eq!(
            f[0].message,
            "`CREATE INDEX IF NOT EXISTS t_idx` is silently skipped: index `t_idx` already exists as `ON public.t USING btree (a)`, so the requested `ON public.t USING btree (b)` never exists"
        );
        assert_eq!(f[0].related[0].label, "the existing index is created here");
    }

    #[test]
    fn if_not_exists_with_the_same_definition_is_a_no_op() {
        let f = findings("CREATE INDEX IF NOT EXISTS t_idx ON t USING btree (a);");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(
            f[0].message,
            "`CREATE INDEX IF NOT EXISTS t_idx` does nothing: the index already exists with the same definition (`ON public.t USING btree (a)`)"
        );
    }

    #[test]
    fn without_if_not_exists_the_migration_fails() {
        let f = findings("CREATE INDEX t_idx ON t (a);");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(
            f[0].message,
            "index `t_idx` cannot be created: an index named `t_idx` already exists, so PostgreSQL fails with `relation \"t_idx\" already exists`"
        );
        let f = findings("CREATE INDEX IF NOT EXISTS t ON t (b);");
        assert_eq!(
            f[0].message,
            "`CREATE INDEX IF NOT EXISTS t` is silently skipped: a table named `t` already exists, so the requested `ON public.t USING btree (b)` never exists"
        );
        let f = findings("ALTER TABLE t ADD CONSTRAINT t_idx UNIQUE (b);");
        assert_eq!(f[0].severity, Severity::Error);
        assert!(
            f[0].message
                .starts_with("constraint `t_idx` cannot be created"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn distinct_names_are_fine() {
        assert!(findings("CREATE INDEX IF NOT EXISTS t_b_idx ON t (b);").is_empty());
    }

    crate::rules::tests::rule_cases!(
        super::INDEX_NAME_CONFLICT,
        pass: ["CREATE TABLE t (a int);\nCREATE INDEX t_idx ON t (a);\nDROP INDEX t_idx;\nCREATE INDEX t_idx ON t (a);"],
        fail: ["CREATE TABLE t (a int, b int);\nCREATE INDEX t_idx ON t (a);\nCREATE INDEX IF NOT EXISTS t_idx ON t (b);"],
    );
}
