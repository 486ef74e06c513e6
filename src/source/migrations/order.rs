//! Orderings: version numbers of any length, natural order of names, Flyway versions.

use std::cmp::Ordering;
use std::path::Path;

/// The leading ASCII digits of `s` and the rest.
pub(super) fn leading_digits(s: &str) -> (&str, &str) {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// A digit string compared as a number (any length).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Num(pub(super) String);

impl Num {
    pub(super) fn new(digits: &str) -> Num {
        Num(digits.trim_start_matches('0').to_string())
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A run of a name for natural ordering: digit runs order as numbers, before text runs.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Tok<'a> {
    Num(Num),
    Text(&'a str),
}

pub(super) fn tokens(s: &str) -> impl Iterator<Item = Tok<'_>> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (digits, after) = leading_digits(rest);
        if !digits.is_empty() {
            rest = after;
            return Some(Tok::Num(Num::new(digits)));
        }
        let end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (text, after) = rest.split_at(end);
        rest = after;
        Some(Tok::Text(text))
    })
}

/// Natural order (`2_a` before `10_a`): a total order, ties broken byte-wise.
pub(super) fn natural_cmp(a: &str, b: &str) -> Ordering {
    tokens(a).cmp(tokens(b)).then_with(|| a.cmp(b))
}

/// Natural order of paths, component by component.
pub(super) fn natural_path_cmp(a: &Path, b: &Path) -> Ordering {
    let mut ia = a.iter();
    let mut ib = b.iter();
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match natural_cmp(&x.to_string_lossy(), &y.to_string_lossy()) {
                Ordering::Equal => {}
                o => return o,
            },
        }
    }
}

/// `N_name.up.sql` / `N_name.down.sql` -> N.
pub(super) fn golang_migrate_version(name: &str) -> Option<Num> {
    let (digits, rest) = leading_digits(name);
    let lower = rest.to_ascii_lowercase();
    if digits.is_empty()
        || !lower.starts_with('_')
        || !(lower.ends_with(".up.sql") || lower.ends_with(".down.sql"))
    {
        return None;
    }
    Some(Num::new(digits))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FlywayKind {
    Versioned(Vec<Num>),
    Repeatable(String),
    Undo,
    Other,
}

/// Classify a Flyway file name: `V<ver>__desc.sql`, `R__desc.sql`, `U<ver>__desc.sql`.
/// Version parts are separated by `.` or `_`; trailing zero parts do not count (`1.0` = `1`).
pub(super) fn flyway_kind(name: &str) -> FlywayKind {
    let Some(stem) = name
        .len()
        .checked_sub(4)
        .filter(|&n| name.is_char_boundary(n) && name[n..].eq_ignore_ascii_case(".sql"))
        .map(|n| &name[..n])
    else {
        return FlywayKind::Other;
    };
    let mut chars = stem.chars();
    let prefix = chars.next().map(|c| c.to_ascii_uppercase());
    let rest = chars.as_str();
    if prefix == Some('R') {
        return match rest.strip_prefix("__") {
            Some(desc) => FlywayKind::Repeatable(desc.to_string()),
            None => FlywayKind::Other,
        };
    }
    if prefix != Some('V') && prefix != Some('U') {
        return FlywayKind::Other;
    }
    let Some((ver, _desc)) = rest.split_once("__") else {
        return FlywayKind::Other;
    };
    let parts: Vec<&str> = ver.split(['.', '_']).collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return FlywayKind::Other;
    }
    if prefix == Some('U') {
        return FlywayKind::Undo;
    }
    let mut nums: Vec<Num> = parts.into_iter().map(Num::new).collect();
    while nums.last().is_some_and(|n| n.0.is_empty()) {
        nums.pop();
    }
    FlywayKind::Versioned(nums)
}
