//! `heapscope list REGEX PROFILE...`: pprof's `-list`. Loads and filters
//! the profile, reads the source files the report asks for (searched as
//! pprof does: `--source-path`, `--trim-path`), builds the
//! [`report::list`] model and renders it. A missing source file is
//! reported in the listing and warned about on stderr, never an error.

use super::reports::{prepare_aggregate, table_free};
use super::{Outcome, write_report};
use crate::options::{Format, ListRequest};
use crate::render::list::{list_json, list_text};
use crate::report::list::{self as report, ListOptions, SourceFiles, trim_source_path};
use anyhow::{Context, Result};
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

pub fn run(a: ListRequest) -> Result<Outcome> {
    table_free(a.output.format, "list")?;
    let rx = regex::Regex::new(&a.regex)
        .with_context(|| format!("parsing argument regexp {}", a.regex))?;
    // Sums one sample type over stacks (flat/cum per line): lean when it can.
    let mut x = prepare_aggregate(&a.selection)?;
    let (source_path, trim_path) = (
        a.sources.source_path.as_deref(),
        a.sources.trim_path.as_deref(),
    );
    // As pprof's report graph: file names are trimmed with --trim-path and
    // --source-path (the latter only when given) before aggregating.
    x.p = report::trim_function_files(
        std::mem::take(&mut x.p),
        trim_path.unwrap_or(""),
        source_path.unwrap_or(""),
    );
    let mut reader = SourceReader::new(source_path, trim_path)?;
    let o = ListOptions {
        regex: &rx,
        sample_index: x.idx,
        total: x.total,
        unit: a.output.unit.clone(),
    };
    let r = report::list(&x.p, &o, &mut reader)?;
    for (function, e) in r.source_errors() {
        eprintln!("heapscope: warning: {function}: {e}");
    }
    write_report(a.output.path.as_deref(), |w| match a.output.format {
        Format::Json => list_json(&r, w),
        _ => list_text(&r, w),
    })?;
    Ok(Outcome::Ok)
}

/// Source files read once each, found as pprof does.
pub(crate) struct SourceReader {
    search: String,
    trim: String,
    files: FxHashMap<String, Result<Vec<String>, String>>,
}

impl SourceReader {
    /// Searches `source_path` (default: the current folder) after trimming
    /// `trim_path`, as `list --source-path/--trim-path`.
    pub(crate) fn new(source_path: Option<&str>, trim_path: Option<&str>) -> Result<SourceReader> {
        let search = match source_path {
            Some(s) => s.to_string(),
            None => std::env::current_dir()
                .context("could not stat current dir")?
                .to_string_lossy()
                .into_owned(),
        };
        Ok(SourceReader {
            search,
            trim: trim_path.unwrap_or_default().to_string(),
            files: FxHashMap::default(),
        })
    }
}

impl SourceFiles for SourceReader {
    fn lines(&mut self, path: &str) -> Result<&[String], String> {
        if !self.files.contains_key(path) {
            let r = open_source(path, &self.search, &self.trim).map(|bytes| {
                String::from_utf8_lossy(&bytes)
                    .split_inclusive('\n')
                    .map(|l| {
                        let l = l.strip_suffix('\n').unwrap_or(l);
                        l.strip_suffix('\r').unwrap_or(l).to_string()
                    })
                    .collect()
            });
            self.files.insert(path.to_string(), r);
        }
        self.files[path].as_deref().map_err(String::clone)
    }
}

/// Finds a source file as pprof does: trim the path, then an absolute path
/// must exist as is; a relative one is tried under each search folder and
/// each of its parents.
fn open_source(path: &str, search: &str, trim: &str) -> Result<Vec<u8>, String> {
    let path = trim_source_path(path, trim, search);
    if Path::new(path).is_absolute() {
        return std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("open {path}: no such file or directory"),
            _ => format!("open {path}: {e}"),
        });
    }
    for dir in search.split(':') {
        let mut dir = PathBuf::from(if dir.is_empty() { "." } else { dir });
        loop {
            if let Ok(b) = std::fs::read(dir.join(path)) {
                return Ok(b);
            }
            // Go's filepath.Dir: the parent of `a` is `.`; `.` and `/`
            // are their own parents.
            let parent = match dir.parent() {
                Some(p) if p.as_os_str().is_empty() => PathBuf::from("."),
                Some(p) => p.to_path_buf(),
                None => break,
            };
            if parent == dir {
                break;
            }
            dir = parent;
        }
    }
    Err(format!("could not find file {path} on path {search}"))
}
