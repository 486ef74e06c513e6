//! "Did you mean …?" for names that do not exist.

/// The help line for a column that does not exist: the closest existing name, else the only
/// column of a type the name suggests, else where a column of that name does exist.
pub(crate) fn column_help(
    missing: &str,
    candidates: &[(String, String)],
    elsewhere: &[String],
) -> Option<String> {
    let names: Vec<&str> = candidates.iter().map(|(n, _)| n.as_str()).collect();
    if let Some(best) = similar::get_close_matches(missing, &names, 1, 0.6).first() {
        return Some(format!("did you mean `{best}`?"));
    }
    // Underscore-insensitive and case-insensitive matches (`createdAt` for `created_at`).
    let squash = |s: &str| s.replace('_', "").to_lowercase();
    if let Some(best) = names.iter().find(|n| squash(n) == squash(missing)) {
        return Some(format!("did you mean `{best}`?"));
    }
    if let Some(kind) = TypeGuess::from_name(missing) {
        let fitting: Vec<&str> = candidates
            .iter()
            .filter(|(_, t)| kind.fits(t))
            .map(|(n, _)| n.as_str())
            .collect();
        if let [only] = fitting.as_slice() {
            return Some(format!(
                "did you mean `{only}`? It is the table's only {} column",
                kind.describe()
            ));
        }
    }
    if !elsewhere.is_empty() {
        return Some(format!(
            "a column `{missing}` exists on {}",
            elsewhere.join(", ")
        ));
    }
    None
}

/// The kind of type a column name suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TypeGuess {
    Time,
    Boolean,
    Text,
}

impl TypeGuess {
    fn from_name(name: &str) -> Option<TypeGuess> {
        let n = name.to_ascii_lowercase();
        let boolean_prefixes = [
            "is_", "has_", "can_", "should_", "was_", "allow_", "enable_",
        ];
        if boolean_prefixes.iter().any(|p| n.starts_with(p))
            || n.ends_with("_flag")
            || n.ends_with("enabled")
        {
            return Some(TypeGuess::Boolean);
        }
        let time_suffixes = ["_at", "_on", "_date", "_time", "_timestamp", "date", "time"];
        if time_suffixes.iter().any(|s| n.ends_with(s)) || n.starts_with("expires") {
            return Some(TypeGuess::Time);
        }
        let text_suffixes = [
            "_type",
            "_kind",
            "_name",
            "_status",
            "_code",
            "_label",
            "_category",
        ];
        if text_suffixes.iter().any(|s| n.ends_with(s)) {
            return Some(TypeGuess::Text);
        }
        None
    }

    fn fits(self, type_name: &str) -> bool {
        match self {
            TypeGuess::Time => type_name.starts_with("timestamp") || type_name == "date",
            TypeGuess::Boolean => type_name == "boolean",
            TypeGuess::Text => {
                type_name == "text"
                    || type_name.starts_with("character varying")
                    || type_name.starts_with("citext")
            }
        }
    }

    fn describe(self) -> &'static str {
        match self {
            TypeGuess::Time => "date/time",
            TypeGuess::Boolean => "boolean",
            TypeGuess::Text => "text",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn closest_name_first() {
        let c = cols(&[
            ("session_token", "text"),
            ("user_id", "uuid"),
            ("expires", "timestamp without time zone"),
        ]);
        assert_eq!(
            column_help("expires_at", &c, &[]).unwrap(),
            "did you mean `expires`?"
        );
    }

    #[test]
    fn only_column_of_the_suggested_type() {
        let c = cols(&[
            ("id", "uuid"),
            ("tenant_id", "uuid"),
            ("resolved", "boolean"),
            ("threshold", "numeric"),
        ]);
        assert_eq!(
            column_help("is_acknowledged", &c, &[]).unwrap(),
            "did you mean `resolved`? It is the table's only boolean column"
        );
        let c = cols(&[
            ("id", "uuid"),
            ("content", "text"),
            ("role", "text"),
            ("timestamp", "timestamp without time zone"),
        ]);
        assert_eq!(
            column_help("created_at", &c, &[]).unwrap(),
            "did you mean `timestamp`? It is the table's only date/time column"
        );
    }

    #[test]
    fn two_candidates_of_the_type_is_no_guess() {
        let c = cols(&[("a", "boolean"), ("b", "boolean")]);
        assert_eq!(column_help("is_done", &c, &[]), None);
        assert_eq!(
            column_help("is_done", &c, &["public.tasks".into()]).unwrap(),
            "a column `is_done` exists on public.tasks"
        );
    }

    #[test]
    fn camel_case_spelling() {
        let c = cols(&[("userId", "text")]);
        assert_eq!(
            column_help("user_id", &c, &[]).unwrap(),
            "did you mean `userId`?"
        );
    }
}
