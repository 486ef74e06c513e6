//! Primary keys and unique constraints as PostgreSQL stores them, shared by the schema readers
//! (Drizzle, Prisma): a constraint, and the index behind it that carries its name.

use crate::schema::{Constraint, ConstraintKind, Index, KeyTarget, Table};

/// Makes `index` the index of a `kind` constraint (primary key or unique) on `table`: adds the
/// constraint under the index's name, marks the index as unique (and primary), and makes a
/// primary key's columns `NOT NULL`, as PostgreSQL does. Returns `false`, changing nothing,
/// when `kind` is a primary key and the table has one already.
pub(crate) fn add_key_constraint(
    table: &mut Table,
    index: &mut Index,
    kind: ConstraintKind,
) -> bool {
    let primary = kind == ConstraintKind::PrimaryKey;
    if primary && table.primary_key().is_some() {
        return false;
    }
    let columns: Vec<String> = index
        .keys
        .iter()
        .filter_map(|k| match &k.target {
            KeyTarget::Column(c) => Some(c.clone()),
            KeyTarget::Expr(_) => None,
        })
        .collect();
    if primary {
        for c in &columns {
            if let Some(col) = table.columns.get_mut(c) {
                col.not_null = true;
            }
        }
    }
    let name = index.name.name.clone();
    table.constraints.insert(
        name.clone(),
        Constraint {
            name: name.clone(),
            kind,
            columns,
            index: Some(name.clone()),
            foreign_key: None,
            check: None,
            validated: true,
            origin: index.origin,
        },
    );
    index.unique = true;
    index.primary = primary;
    index.constraint = Some(name);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, IndexKey, Origin, QualName};

    #[test]
    fn a_primary_key_makes_its_columns_not_null_and_is_added_once() {
        let name = QualName::new("public", "t");
        let mut table = Table::new(name.clone(), Origin::Derived);
        table.columns.insert(
            "id".into(),
            Column {
                name: "id".into(),
                type_name: "integer".into(),
                not_null: false,
                default: None,
                generated: None,
                origin: Origin::Derived,
            },
        );
        let mut pk = Index::new(
            QualName::new("public", "t_pkey"),
            name.clone(),
            "btree",
            Origin::Derived,
        );
        pk.keys = vec![IndexKey::column("id")];
        assert!(add_key_constraint(
            &mut table,
            &mut pk,
            ConstraintKind::PrimaryKey
        ));
        assert!(table.columns["id"].not_null);
        assert!(pk.primary && pk.unique);
        assert_eq!(pk.constraint.as_deref(), Some("t_pkey"));
        assert_eq!(table.primary_key().unwrap().columns, ["id"]);
        let mut second = Index::new(
            QualName::new("public", "t2_pkey"),
            name,
            "btree",
            Origin::Derived,
        );
        second.keys = vec![IndexKey::column("id")];
        assert!(!add_key_constraint(
            &mut table,
            &mut second,
            ConstraintKind::PrimaryKey
        ));
        assert!(!second.primary && table.constraints.len() == 1);
    }
}
