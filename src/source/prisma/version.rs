//! Which major version of Prisma a project uses, read from its `package.json`.
//!
//! The one difference the model needs: Prisma 6 gives the join table of an implicit
//! many-to-many relation a primary key `_AB_pkey` on (`A`, `B`), while Prisma 4 and 5 gave it
//! a unique index `_AB_unique`. A project that still runs Prisma 5 has the unique index in its
//! migrations and in its database, and that is not drift.

use std::fs;
use std::path::{Path, PathBuf};

/// The major version assumed when no `package.json` names one: the current line.
pub const DEFAULT_MAJOR: u32 = 6;

/// How many folders above the schema are searched for a `package.json` (a schema sits at
/// `prisma/schema.prisma` or deeper in a monorepo package).
const MAX_LEVELS: usize = 6;

/// The major version of `prisma` or `@prisma/client` in the nearest `package.json` at or above
/// `schema` that names either, with the file it came from. `None` when none does, or the
/// version is not a number (`workspace:*`, `latest`).
pub fn detect(schema: &Path) -> Option<(u32, PathBuf)> {
    let start = if schema.is_dir() {
        schema
    } else {
        schema.parent()?
    };
    let start = fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors().take(MAX_LEVELS) {
        let file = dir.join("package.json");
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        if let Some(major) = major_in_package_json(&text) {
            return Some((major, file));
        }
    }
    None
}

/// The major version a `package.json` gives `prisma` or `@prisma/client`, in its
/// `dependencies`, `devDependencies` or `peerDependencies`.
pub fn major_in_package_json(text: &str) -> Option<u32> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .filter_map(|section| json.get(section))
        .flat_map(|deps| ["prisma", "@prisma/client"].map(|name| deps.get(name)))
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .find_map(major_of_range)
}

/// The major version of an npm version range: `^5.22.0`, `~6.1`, `>=5.0.0 <7`, `5.x`, `v6`.
fn major_of_range(range: &str) -> Option<u32> {
    let digits: String = range
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    // `workspace:*`, `latest`, a URL: no number before anything else.
    let before = range.find(|c: char| c.is_ascii_digit())?;
    if range[..before]
        .chars()
        .any(|c| c.is_ascii_alphabetic() && c != 'v')
    {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_ranges_give_their_major() {
        for (range, want) in [
            ("^5.22.0", Some(5)),
            ("~6.1", Some(6)),
            (">=5.0.0 <7", Some(5)),
            ("5.x", Some(5)),
            ("v6.19.0", Some(6)),
            ("workspace:*", None),
            ("latest", None),
            ("npm:prisma@5", None),
        ] {
            assert_eq!(major_of_range(range), want, "{range}");
        }
    }

    #[test]
    fn the_nearest_package_json_naming_prisma_wins() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("packages").join("db");
        let schema = pkg.join("prisma").join("schema.prisma");
        fs::create_dir_all(schema.parent().unwrap()).unwrap();
        fs::write(&schema, "").unwrap();
        assert_eq!(detect(&schema), None);
        fs::write(
            dir.path().join("package.json"),
            r#"{"devDependencies": {"prisma": "^5.22.0"}}"#,
        )
        .unwrap();
        assert_eq!(detect(&schema).map(|d| d.0), Some(5));
        // A package.json that does not name Prisma is passed over.
        fs::write(
            pkg.join("package.json"),
            r#"{"dependencies": {"zod": "3"}}"#,
        )
        .unwrap();
        assert_eq!(detect(&schema).map(|d| d.0), Some(5));
        fs::write(
            pkg.join("package.json"),
            r#"{"dependencies": {"@prisma/client": "6.19.0"}}"#,
        )
        .unwrap();
        let (major, file) = detect(&schema).unwrap();
        assert_eq!(major, 6);
        assert!(file.ends_with("packages/db/package.json"), "{file:?}");
        assert_eq!(major_in_package_json("not json"), None);
    }
}
