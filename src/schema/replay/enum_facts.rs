//! Safety facts about enum labels: `ALTER TYPE … ADD VALUE` (refused in a transaction block
//! before PostgreSQL 12 unless the type is new in that transaction) and the later statements
//! that use such a label, which fail on every release while the label is uncommitted
//! ("unsafe use of new value", PostgreSQL 12 and later; measured on 15).

use pg_query::protobuf;

use super::safety::Action;
use super::{Ctx, Replay, Stmt};
use crate::schema::model::QualName;
use crate::sql::lex::{TokenKind, tokenize};

/// The safety facts about enum labels.
#[derive(Clone, Debug, PartialEq)]
pub enum EnumLabel {
    /// `ALTER TYPE … ADD VALUE`.
    Added {
        /// The enum type.
        type_name: QualName,
        /// The new label.
        label: String,
        /// The file that created the type, when the history did.
        type_created_in: Option<u32>,
    },
    /// A statement using, as a string literal, a label `ALTER TYPE … ADD VALUE` added.
    Used {
        /// The enum type.
        type_name: QualName,
        /// The label.
        label: String,
        /// The file of the `ADD VALUE`.
        added_in: u32,
    },
}

/// A label added by `ALTER TYPE … ADD VALUE`, remembered so that later statements using it
/// can be found.
#[derive(Debug)]
pub(super) struct NewLabel {
    type_name: QualName,
    label: String,
    added_in: u32,
}

impl Replay<'_> {
    /// `CREATE TYPE … AS ENUM`: remembers the file, for the exemption of a type created in the
    /// same transaction.
    pub(super) fn enum_created(&mut self, s: &protobuf::CreateEnumStmt, ctx: &Ctx<'_>) {
        let name = self.type_name(&s.type_name);
        self.safety.enum_files.insert(name, ctx.stmt.file);
    }

    /// `ALTER TYPE … ADD VALUE`: a fact for the rules, and the label for [`Self::label_uses`].
    pub(super) fn enum_value_added(&mut self, s: &protobuf::AlterEnumStmt, ctx: &Ctx<'_>) {
        if !s.old_val.is_empty() || s.new_val.is_empty() {
            return;
        }
        let type_name = self.type_name(&s.type_name);
        // `ADD VALUE IF NOT EXISTS` of a label that is there does nothing.
        if s.skip_if_new_val_exists
            && self
                .schema
                .enums
                .get(&type_name)
                .is_some_and(|l| l.contains(&s.new_val))
        {
            return;
        }
        let type_created_in = self.safety.enum_files.get(&type_name).copied();
        let label = s.new_val.clone();
        self.safety
            .labels_by_literal
            .entry(format!("'{}'", label.replace('\'', "''")))
            .or_default()
            .push(self.safety.new_labels.len());
        self.safety.new_labels.push(NewLabel {
            type_name: type_name.clone(),
            label: label.clone(),
            added_in: ctx.stmt.file,
        });
        let action = Action::EnumLabel(EnumLabel::Added {
            type_name,
            label,
            type_created_in,
        });
        self.safety_event(ctx.stmt.whole(), ctx.stmt.file, None, action);
    }

    /// Records each use of a label added earlier (as a string literal outside function
    /// bodies, which PostgreSQL does not evaluate when it stores them).
    pub(super) fn label_uses(&mut self, stmt: Stmt<'_>) {
        if self.safety.new_labels.is_empty() || !stmt.text.contains('\'') {
            return;
        }
        // One pass over the statement's string literals, each looked up: the cost does not grow
        // with the number of labels the history has added.
        let mut hits: Vec<usize> = tokenize(stmt.text)
            .filter(|t| t.kind == TokenKind::String)
            .filter_map(|t| self.safety.labels_by_literal.get(t.text(stmt.text)))
            .flatten()
            .copied()
            .collect();
        hits.sort_unstable();
        hits.dedup();
        if hits.is_empty() || starts_with_alter_type(stmt.text) {
            return;
        }
        for i in hits {
            let l = &self.safety.new_labels[i];
            let action = Action::EnumLabel(EnumLabel::Used {
                type_name: l.type_name.clone(),
                label: l.label.clone(),
                added_in: l.added_in,
            });
            self.safety_event(stmt.whole(), stmt.file, None, action);
        }
    }
}

/// `ALTER TYPE …` (another `ADD VALUE` naming the label as its neighbour is no use of it).
fn starts_with_alter_type(text: &str) -> bool {
    let mut words = tokenize(text)
        .filter(|t| !t.kind.is_trivia())
        .map(|t| t.text(text).to_ascii_uppercase());
    words.next().as_deref() == Some("ALTER") && words.next().as_deref() == Some("TYPE")
}
