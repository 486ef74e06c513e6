//! PostgreSQL's naming rules: identifier truncation and the names it chooses for implicit
//! indexes and constraints (`t_pkey`, `t_a_b_key`, `t_a_idx1`, `t_a_fkey`).

use rustc_hash::FxHashMap as HashMap;

/// PostgreSQL's `NAMEDATALEN - 1`: the longest identifier, in bytes.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Truncates an identifier to 63 bytes at a character boundary, as PostgreSQL does.
pub fn truncate_identifier(name: &str) -> &str {
    clip(name, MAX_IDENTIFIER_BYTES)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, shortening the longer of the two names
/// first until the whole fits in 63 bytes.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let avail = MAX_IDENTIFIER_BYTES.saturating_sub(label.len() + 1 + name2.map_or(0, |_| 1));
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 = clip(name1, n1 - 1).len();
        } else {
            n2 = clip(name2.unwrap_or(""), n2 - 1).len();
        }
    }
    let mut out = String::with_capacity(MAX_IDENTIFIER_BYTES);
    out.push_str(&name1[..n1]);
    if let Some(n2s) = name2 {
        out.push('_');
        out.push_str(&n2s[..n2]);
    }
    out.push('_');
    out.push_str(label);
    out
}

/// PostgreSQL's `ChooseRelationName`: the first of `label`, `label1`, `label2`, … whose name
/// is free.
pub fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut candidate = make_object_name(name1, name2, label);
    let mut pass = 0;
    while taken(&candidate) {
        pass += 1;
        candidate = make_object_name(name1, name2, &format!("{label}{pass}"));
    }
    candidate
}

/// Where [`choose_name`]'s search for a free suffix stopped last time, per naming scope and
/// base name, so that N unnamed objects with one base name cost O(N), not O(N²), probes.
///
/// Invariant: for each key, every suffix below its hint was taken when last probed. A name
/// that is freed (dropped, renamed away) lowers the hint of every key that probed it past, so
/// the first free suffix is still found as PostgreSQL's `ChooseRelationName` finds it.
#[derive(Debug, Default, Clone)]
pub struct NameHints {
    /// The base names whose search went past a taken name → key id. A key is `scope`, `name1`,
    /// `name2` (marked present or absent) and `label` joined by NUL, which no identifier
    /// holds. A search whose first candidate was free records nothing: its hint is 0, as for
    /// a base name never searched.
    keys: HashMap<String, usize>,
    /// The next suffix to try, per key id.
    next: Vec<u32>,
    /// Candidate names found taken, with the key id and suffix that produced them.
    passed: HashMap<String, Vec<(usize, u32)>>,
    /// The key being searched (reused, so that a lookup allocates nothing).
    key: String,
}

impl NameHints {
    /// [`choose_name`], starting from the hint of `scope` (any string naming the set of names
    /// `taken` looks at: a schema, or a table's constraints) and this base name.
    pub fn choose(
        &mut self,
        scope: &str,
        name1: &str,
        name2: Option<&str>,
        label: &str,
        taken: impl Fn(&str) -> bool,
    ) -> String {
        self.key.clear();
        for part in [scope, name1] {
            self.key.push_str(part);
            self.key.push('\0');
        }
        // `+name2` or `-`: no second name is not an empty one.
        match name2 {
            Some(n) => {
                self.key.push('+');
                self.key.push_str(n);
            }
            None => self.key.push('-'),
        }
        self.key.push('\0');
        self.key.push_str(label);
        let mut id = self.keys.get(self.key.as_str()).copied();
        let mut pass = id.map_or(0, |id| self.next[id]);
        let mut label_buf = String::with_capacity(label.len() + 10);
        loop {
            let candidate = if pass == 0 {
                make_object_name(name1, name2, label)
            } else {
                label_buf.clear();
                label_buf.push_str(label);
                label_buf.push_str(&pass.to_string());
                make_object_name(name1, name2, &label_buf)
            };
            if !taken(&candidate) {
                if let Some(id) = id {
                    self.next[id] = pass;
                }
                return candidate;
            }
            let id = match id {
                Some(id) => id,
                None => {
                    let fresh = self.next.len();
                    self.next.push(0);
                    self.keys.insert(self.key.clone(), fresh);
                    id = Some(fresh);
                    fresh
                }
            };
            self.passed.entry(candidate).or_default().push((id, pass));
            pass += 1;
        }
    }

    /// Records that `name` is free again: every search that went past it starts there next.
    pub fn freed(&mut self, name: &str) {
        if let Some(probes) = self.passed.remove(name) {
            for (id, pass) in probes {
                self.next[id] = self.next[id].min(pass);
            }
        }
    }
}

/// PostgreSQL's `ChooseIndexNameAddition` / `ChooseForeignKeyConstraintNameAddition`: the
/// column names joined by `_`, cut at 63 bytes.
pub fn name_addition<'a>(columns: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for name in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(name);
        if out.len() >= MAX_IDENTIFIER_BYTES {
            break;
        }
    }
    clip(&out, MAX_IDENTIFIER_BYTES).to_string()
}

/// PostgreSQL's `ChooseIndexColumnNames`: a column key is named after the column, an
/// expression `expr`; duplicates get a number (`expr`, `expr1`).
pub fn index_column_names<'a>(keys: impl IntoIterator<Item = Option<&'a str>>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for key in keys {
        let base = key.unwrap_or("expr");
        let mut candidate = base.to_string();
        let mut i = 0;
        while names.contains(&candidate) {
            i += 1;
            let suffix = i.to_string();
            candidate = format!(
                "{}{}",
                clip(base, MAX_IDENTIFIER_BYTES - suffix.len()),
                suffix
            );
        }
        names.push(candidate);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_names() {
        assert_eq!(make_object_name("users", None, "pkey"), "users_pkey");
        assert_eq!(
            make_object_name("users", Some("email"), "key"),
            "users_email_key"
        );
        assert_eq!(make_object_name("t", Some("a_b"), "idx"), "t_a_b_idx");
    }

    #[test]
    fn collisions_get_numbers() {
        let taken = ["t_a_idx", "t_a_idx1"];
        assert_eq!(
            choose_name("t", Some("a"), "idx", |n| taken.contains(&n)),
            "t_a_idx2"
        );
    }

    #[test]
    fn long_names_shorten_the_longer_part_first() {
        let table = "a".repeat(40);
        let col = "b".repeat(40);
        let name = make_object_name(&table, Some(&col), "idx");
        assert_eq!(name.len(), 63);
        // 63 - len("_idx") - 1 = 58 bytes shared: 29 each.
        assert_eq!(name, format!("{}_{}_idx", "a".repeat(29), "b".repeat(29)));
        let short = make_object_name(&"x".repeat(70), Some("id"), "fkey");
        assert_eq!(short, format!("{}_id_fkey", "x".repeat(55)));
    }

    #[test]
    fn truncation_respects_characters() {
        let s = "é".repeat(40); // 80 bytes
        assert_eq!(truncate_identifier(&s).len(), 62);
    }

    #[test]
    fn expression_keys_are_named_expr() {
        assert_eq!(
            index_column_names([Some("a"), None, None, Some("a")]),
            ["a", "expr", "expr1", "a1"]
        );
    }

    #[test]
    fn hints_find_the_first_free_suffix_as_probing_does() {
        use std::collections::HashSet;
        // A deterministic mix of creations and frees; the hinted choice must always equal the
        // plain search's.
        let mut taken: HashSet<String> = HashSet::new();
        let mut hints = NameHints::default();
        let mut seed: u64 = 42;
        for step in 0..3000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (seed >> 33) % 10;
            let col = if r.is_multiple_of(2) { "a" } else { "b" };
            if r < 7 {
                let expected = choose_name("t", Some(col), "idx", |n| taken.contains(n));
                let got = hints.choose("public", "t", Some(col), "idx", |n| taken.contains(n));
                assert_eq!(got, expected, "step {step}");
                taken.insert(got);
            } else if !taken.is_empty() {
                let victim = taken
                    .iter()
                    .nth((seed >> 40) as usize % taken.len())
                    .cloned();
                let victim = victim.unwrap();
                taken.remove(&victim);
                hints.freed(&victim);
            }
        }
    }
}
