//! Object kinds beside tables and indexes that a migration can create and `diff` compares:
//! sequences, views and materialized views, composite types, foreign tables' servers,
//! functions and procedures, triggers, extension versions. Each is built the same way from a migration's statement and from the catalog's
//! own DDL (`pg_get_functiondef`, `pg_get_triggerdef`, `pg_get_viewdef`), so both sides go
//! through one parser and one normalisation.

use super::model::QualName;

/// What the model knows of a relation in [`super::Schema::other_relations`] beyond its kind.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum RelationDetail {
    /// Nothing (a source that does not say).
    #[default]
    None,
    /// A sequence's options.
    Sequence(Sequence),
    /// A view's or materialized view's query.
    View(ViewQuery),
    /// A composite type's attributes in order.
    Composite(Vec<Attribute>),
}

/// One attribute of a composite type (`CREATE TYPE t AS (a int, b text)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute name (folded).
    pub name: String,
    /// The type, normalised as a column's (`integer`, `character varying(20)`, `address`).
    pub type_name: String,
}

/// `IMPORT FOREIGN SCHEMA remote … INTO local`: foreign tables that only the remote server
/// knows. The replay cannot create them, so `diff` does not call them missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignImport {
    /// The local schema the tables are created in.
    pub schema: String,
    /// `LIMIT TO (…)`: only these tables; `None` imports every table.
    pub limit_to: Option<Vec<String>>,
    /// `EXCEPT (…)`: tables left out.
    pub except: Vec<String>,
    /// The statement.
    pub origin: super::model::Origin,
}

impl ForeignImport {
    /// Whether this import may have created `table`.
    pub fn covers(&self, table: &QualName) -> bool {
        table.schema == self.schema
            && self
                .limit_to
                .as_ref()
                .is_none_or(|names| names.contains(&table.name))
            && !self.except.contains(&table.name)
    }
}

/// What makes a table a foreign table: the server it reads through and its options. Its
/// columns are an ordinary table's; PostgreSQL gives it no indexes and no keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignTable {
    /// `SERVER name`.
    pub server: String,
    /// `OPTIONS (name 'value', …)` in the order PostgreSQL keeps them.
    pub options: Vec<(String, String)>,
}

impl ForeignTable {
    /// `SERVER s OPTIONS (a 'x', b 'y')` as DDL writes it.
    pub fn clause(&self) -> String {
        let mut s = format!("SERVER {}", super::model::quote_ident(&self.server));
        if !self.options.is_empty() {
            let opts: Vec<String> = self
                .options
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{} '{}'",
                        super::model::quote_ident(k),
                        v.replace('\'', "''")
                    )
                })
                .collect();
            s.push_str(&format!(" OPTIONS ({})", opts.join(", ")));
        }
        s
    }
}

/// A sequence's options, every one filled in as PostgreSQL fills in the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence {
    /// `AS type`: `smallint`, `integer` or `bigint`.
    pub type_name: String,
    /// `START WITH`.
    pub start: i64,
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE`.
    pub min: i64,
    /// `MAXVALUE`.
    pub max: i64,
    /// `CYCLE`.
    pub cycle: bool,
    /// `OWNED BY table.column` (serial and identity columns own theirs).
    pub owned_by: Option<(QualName, String)>,
}

impl Sequence {
    /// A sequence of `type_name` with every other option at PostgreSQL's default.
    pub fn with_type(type_name: &str) -> Sequence {
        let mut s = Sequence {
            type_name: String::new(),
            start: 1,
            increment: 1,
            min: 1,
            max: i64::MAX,
            cycle: false,
            owned_by: None,
        };
        s.set_type(type_name, true, true);
        s
    }

    /// The range of a sequence type; `None` for a type a sequence cannot have.
    pub fn type_range(type_name: &str) -> Option<(i64, i64)> {
        match type_name {
            "smallint" => Some((i16::MIN as i64, i16::MAX as i64)),
            "integer" => Some((i32::MIN as i64, i32::MAX as i64)),
            "bigint" => Some((i64::MIN, i64::MAX)),
            _ => None,
        }
    }

    /// Changes the type; a bound still at the old type's default follows the new type, as
    /// `ALTER SEQUENCE … AS` does (`reset_min`/`reset_max` force it).
    pub fn set_type(&mut self, type_name: &str, reset_min: bool, reset_max: bool) {
        let (old_lo, old_hi) = self.default_bounds();
        let was_min_default = reset_min || self.min == old_lo;
        let was_max_default = reset_max || self.max == old_hi;
        self.type_name = type_name.to_string();
        let (lo, hi) = self.default_bounds();
        if was_min_default {
            self.min = lo;
        }
        if was_max_default {
            self.max = hi;
        }
    }

    /// The default MINVALUE and MAXVALUE for the type and the direction of the increment.
    pub fn default_bounds(&self) -> (i64, i64) {
        let (lo, hi) = Sequence::type_range(&self.type_name).unwrap_or((i64::MIN, i64::MAX));
        if self.increment > 0 {
            (1, hi)
        } else {
            (lo, -1)
        }
    }

    /// The options as `CREATE SEQUENCE` writes them (without OWNED BY).
    pub fn options(&self) -> String {
        format!(
            "AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} {}",
            self.type_name,
            self.increment,
            self.min,
            self.max,
            self.start,
            if self.cycle { "CYCLE" } else { "NO CYCLE" }
        )
    }
}

/// A view's query, normalised for comparison.
#[derive(Clone, Debug)]
pub struct ViewQuery {
    /// The normalised query (see [`super::view_query::normalise_query`]), made from `text`
    /// when first asked for (normalising parses and deparses the query again, the larger part
    /// of replaying a view, and only a comparison reads it); `None` when the source does not
    /// know it.
    key: std::sync::OnceLock<Option<String>>,
    /// The query as written (or as the catalog prints it), for the DDL diff.
    pub text: String,
}

impl ViewQuery {
    /// A query whose key is normalised from `text` when first asked for.
    pub fn new(text: String) -> Self {
        ViewQuery {
            key: std::sync::OnceLock::new(),
            text,
        }
    }

    /// A query whose key is already known (or known to be unknown: `None`).
    pub fn with_key(key: Option<String>, text: String) -> Self {
        ViewQuery {
            key: std::sync::OnceLock::from(key),
            text,
        }
    }

    /// The normalised query; `None` when it is not known (or selects `*`).
    pub fn key(&self) -> Option<&str> {
        self.key
            .get_or_init(|| super::view_query::normalise_query(&self.text))
            .as_deref()
    }

    /// The key is no longer known (a relation the query reads was renamed).
    pub fn forget_key(&mut self) {
        self.key = std::sync::OnceLock::from(None);
    }

    /// A new text, whose key is normalised from it when asked for.
    pub fn set_text(&mut self, text: String) {
        self.text = text;
        self.key = std::sync::OnceLock::new();
    }
}

impl PartialEq for ViewQuery {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.key() == other.key()
    }
}

impl Eq for ViewQuery {}

/// A function or procedure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Schema and name.
    pub name: QualName,
    /// `PROCEDURE` rather than `FUNCTION`.
    pub procedure: bool,
    /// The input argument types, normalised (`integer`, `text[]`), which with the name identify
    /// the function.
    pub arg_types: Vec<String>,
    /// The return type as written after `RETURNS` (`trigger`, `SETOF text`, `TABLE(…)`),
    /// normalised; `None` for procedures.
    pub returns: Option<String>,
    /// `LANGUAGE`.
    pub language: String,
    /// The body with comments removed and whitespace collapsed (see [`normalise_body`]);
    /// `None` for a SQL-standard `BEGIN ATOMIC` body, which the catalog keeps only as a tree.
    pub body: Option<String>,
    /// Where it was created.
    pub origin: super::model::Origin,
}

impl Function {
    /// The identity PostgreSQL gives a function: `schema.name(type, type)`.
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.arg_types.join(", "))
    }
}

/// A trigger on a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    /// The trigger name (unique per table).
    pub name: String,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: String,
    /// `INSERT`, `UPDATE [OF cols]`, `DELETE`, `TRUNCATE`, in that order, joined by ` OR `.
    pub events: String,
    /// `FOR EACH ROW` rather than `FOR EACH STATEMENT`.
    pub for_each_row: bool,
    /// The function it executes, qualified.
    pub function: QualName,
    /// The arguments given to the function.
    pub args: Vec<String>,
    /// `WHEN (…)`, normalised.
    pub when: Option<String>,
    /// Where it was created.
    pub origin: super::model::Origin,
}

/// A function body as compared: `--` and `/* */` comments removed, runs of whitespace made one
/// space, leading and trailing whitespace dropped. Not normalised: the case of keywords and
/// identifiers, quoting, and anything inside string literals (a comment marker inside a string
/// is kept as text).
pub fn normalise_body(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    let mut pending_space = false;
    let push = |out: &mut String, c: char, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push(' ');
        }
        *pending = false;
        out.push(c);
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                push(&mut out, c, &mut pending_space);
                // Copy a string literal as it is ('' is an escaped quote).
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\'' {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
                pending_space = true;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut depth = 1;
                while depth > 0 {
                    match chars.next() {
                        Some('*') if chars.peek() == Some(&'/') => {
                            chars.next();
                            depth -= 1;
                        }
                        Some('/') if chars.peek() == Some(&'*') => {
                            chars.next();
                            depth += 1;
                        }
                        Some(_) => {}
                        None => break,
                    }
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            c => push(&mut out, c, &mut pending_space),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_key_follows_its_text_and_is_forgotten_on_request() {
        let mut v = ViewQuery::new("SELECT a FROM t".to_string());
        assert_eq!(
            v.key(),
            crate::schema::view_query::normalise_query("SELECT a FROM t").as_deref()
        );
        assert!(v.key().is_some());
        v.set_text("SELECT b FROM t".to_string());
        assert!(
            v.key()
                .is_some_and(|k| k.contains('b') && !k.contains(" a "))
        );
        assert_eq!(
            v,
            ViewQuery::with_key(v.key().map(str::to_string), v.text.clone())
        );
        v.forget_key();
        assert_eq!(v.key(), None);
        assert_eq!(ViewQuery::new("SELECT * FROM t".to_string()).key(), None);
    }

    #[test]
    fn bodies_compare_without_comments_and_spacing() {
        let a = "\n  BEGIN\n    -- stamp it\n    NEW.updated_at := now(); /* why */\n    RETURN NEW;\n  END;\n";
        let b = "BEGIN NEW.updated_at := now(); RETURN NEW; END;";
        assert_eq!(normalise_body(a), normalise_body(b));
        assert_ne!(
            normalise_body("SELECT '--  x'"),
            normalise_body("SELECT '-- x'")
        );
        assert_ne!(normalise_body("RETURN NEW"), normalise_body("RETURN OLD"));
    }

    #[test]
    fn sequence_defaults_follow_type_and_direction() {
        let s = Sequence::with_type("integer");
        assert_eq!((s.min, s.max, s.start), (1, i32::MAX as i64, 1));
        let mut t = s.clone();
        t.set_type("bigint", false, false);
        assert_eq!(t.max, i64::MAX);
        let mut down = Sequence::with_type("bigint");
        down.increment = -1;
        assert_eq!(down.default_bounds(), (i64::MIN, -1));
    }
}
