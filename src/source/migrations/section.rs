//! dbmate's `-- migrate:up` / `-- migrate:down` sections: which part of a file is replayed.

use std::ops::Range;

use super::Layout;

/// Which part of a file is replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Whole,
    /// Only the text between `-- migrate:up` and `-- migrate:down`.
    DbmateUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    Up,
    Down,
}

/// A dbmate section marker: `-- migrate:up` / `-- migrate:down`, optionally followed by options.
pub(super) fn dbmate_marker(line: &str) -> Option<Marker> {
    let rest = line.trim_start_matches([' ', '\t']).strip_prefix("--")?;
    let rest = rest
        .trim_start_matches([' ', '\t'])
        .strip_prefix("migrate:")?;
    let (marker, after) = if let Some(after) = rest.strip_prefix("up") {
        (Marker::Up, after)
    } else {
        (Marker::Down, rest.strip_prefix("down")?)
    };
    match after.chars().next() {
        None => Some(marker),
        Some(c) if c.is_whitespace() => Some(marker),
        Some(_) => None,
    }
}

/// The byte range of `text` to lint for `section`.
///
/// `DbmateUp`: from after the `-- migrate:up` line to the start of the first `-- migrate:down`
/// line after it (or the end); without an up marker, everything before a `-- migrate:down`
/// line (the whole text when there are no markers).
pub fn section_range(text: &str, section: Section) -> Range<usize> {
    if section == Section::Whole {
        return 0..text.len();
    }
    let mut up_end = None;
    let mut first_down = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        match dbmate_marker(line) {
            Some(Marker::Up) if up_end.is_none() => up_end = Some(pos),
            Some(Marker::Down) => {
                if let Some(up) = up_end {
                    return up..start;
                }
                first_down.get_or_insert(start);
            }
            _ => {}
        }
    }
    match up_end {
        Some(up) => up..text.len(),
        None => 0..first_down.unwrap_or(text.len()),
    }
}

/// The section a layout replays.
pub(super) fn section_for(layout: Layout) -> Section {
    if layout == Layout::Dbmate {
        Section::DbmateUp
    } else {
        Section::Whole
    }
}
