//! `--changed-since REV`: report only findings located in files changed since a git revision.
//!
//! The whole history is still replayed — a change is checked against the schema everything
//! before it built — only the report is narrowed. "Changed" is what `git diff --name-only REV`
//! lists (committed, staged and unstaged changes) plus untracked files that are not ignored.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::finding::Finding;
use crate::schema::Origin;
use crate::source::file::SourceFile;

/// Files changed since a revision, as canonical paths.
#[derive(Clone, Debug, Default)]
pub struct Changed {
    files: HashSet<PathBuf>,
}

/// Why the changed files cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum ChangedError {
    /// git could not be started.
    #[error("--changed-since needs git: {0}")]
    NoGit(std::io::Error),
    /// git failed (not a repository, an unknown revision …).
    #[error("--changed-since {rev}: `git {command}` failed: {stderr}")]
    Git {
        /// The revision given.
        rev: String,
        /// The git command line, without `git`.
        command: String,
        /// What git said.
        stderr: String,
    },
}

fn git(dir: &Path, rev: &str, args: &[&str]) -> Result<Vec<u8>, ChangedError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(ChangedError::NoGit)?;
    if !out.status.success() {
        return Err(ChangedError::Git {
            rev: rev.to_string(),
            command: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

impl Changed {
    /// Lists the files changed since `rev` in the git repository containing `dir`.
    pub fn since(rev: &str, dir: &Path) -> Result<Changed, ChangedError> {
        let top = git(dir, rev, &["rev-parse", "--show-toplevel"])?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches(['\n', '\r']));
        // `--end-of-options` keeps a revision starting with `-` from being read as an option.
        let diff = git(
            &top,
            rev,
            &["diff", "--name-only", "-z", "--end-of-options", rev, "--"],
        )?;
        let untracked = git(
            &top,
            rev,
            &["ls-files", "--others", "--exclude-standard", "-z"],
        )?;
        let files = diff
            .split(|b| *b == 0)
            .chain(untracked.split(|b| *b == 0))
            .filter(|name| !name.is_empty())
            .filter_map(|name| {
                top.join(String::from_utf8_lossy(name).as_ref())
                    .canonicalize()
                    .ok()
            })
            .collect();
        Ok(Changed { files })
    }

    /// The changed files, as canonical paths: on a branch, the migrations deployed together.
    pub fn paths(&self) -> &HashSet<PathBuf> {
        &self.files
    }

    /// Keeps only the findings whose primary location is in a changed file; findings about a
    /// database object, which no file holds, are dropped.
    pub fn filter(&self, findings: &mut Vec<Finding>, files: &[SourceFile]) {
        let changed: Vec<bool> = files
            .iter()
            .map(|f| f.path.canonicalize().is_ok_and(|p| self.files.contains(&p)))
            .collect();
        findings.retain(|f| match f.origin {
            Origin::Sql { file, .. } => changed.get(file as usize).copied().unwrap_or(false),
            _ => false,
        });
    }
}

/// The directory whose git repository `--changed-since` asks: that of the first path given,
/// else the current directory.
pub fn repository_dir(paths: &[PathBuf]) -> PathBuf {
    match paths.first() {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        None => PathBuf::from("."),
    }
}
