//! `heapscope list REGEX PROFILE...`: pprof's `-list`. Source lines of the
//! functions matching REGEX, annotated with flat and cum at lines
//! granularity (untrimmed). Sources are read from the paths in the
//! profile, searched as pprof does (`--source-path`, `--trim-path`); a
//! missing source file is reported in the listing and warned about on
//! stderr, never an error.

use super::reports::prepare;
use super::{Outcome, stdout_writer};
use crate::aggregate::{self, Granularity, NodeOptions};
use crate::cli::{Format, ListArgs};
use crate::units;
use anyhow::{Context, Result, bail};
use rustc_hash::FxHashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Lines shown before the first and after the last sampled line.
const MARGIN: i64 = 5;

pub(crate) struct Routine {
    pub(crate) function: String,
    pub(crate) file: String,
    pub(crate) flat: i64,
    pub(crate) cum: i64,
    /// (line number, flat, cum, text); or the error reading the file.
    pub(crate) lines: Result<Vec<(i64, i64, i64, String)>, String>,
}

pub(crate) fn run(a: ListArgs) -> Result<Outcome> {
    let rx = regex::Regex::new(&a.regex)
        .with_context(|| format!("parsing argument regexp {}", a.regex))?;
    let mut x = prepare(&a.profiles, &a.common)?;
    // As pprof's report graph: file names are trimmed with --trim-path and
    // --source-path (the latter only when given) before aggregating.
    trim_function_files(
        &mut x.p,
        a.trim_path.as_deref().unwrap_or(""),
        a.source_path.as_deref().unwrap_or(""),
    );
    let p = &x.p;
    let sample_unit = p.sample_type_unit(x.idx).to_lowercase();
    let unit = a.common.unit.clone();
    let fmt_v = |v: i64| units::scaled_label(v, &sample_unit, &unit);
    let out = routines(
        p,
        x.idx,
        &rx,
        a.source_path.as_deref(),
        a.trim_path.as_deref(),
        true,
    )?;
    if out.is_empty() {
        bail!("no matches found for regexp: {}", a.regex);
    }
    let mut w = stdout_writer();
    match a.common.format {
        Format::Text => {
            writeln!(w, "Total: {}", fmt_v(x.total))?;
            let dot = |v: i64| if v == 0 { ".".to_string() } else { fmt_v(v) };
            for r in &out {
                let r = match r {
                    Ok(r) => r,
                    Err(name) => {
                        writeln!(w, "No source information for {name}")?;
                        continue;
                    }
                };
                writeln!(
                    w,
                    "ROUTINE ======================== {} in {}",
                    r.function, r.file
                )?;
                writeln!(
                    w,
                    "{:>10} {:>10} (flat, cum) {} of Total",
                    fmt_v(r.flat),
                    fmt_v(r.cum),
                    units::percentage(r.cum, x.total)
                )?;
                match &r.lines {
                    Err(e) => writeln!(w, " Error: {e}")?,
                    Ok(ls) => {
                        for (no, f, c, text) in ls {
                            writeln!(w, "{:>10} {:>10} {no:>6}:{text}", dot(*f), dot(*c))?;
                        }
                    }
                }
            }
        }
        Format::Json => {
            let routines: Vec<serde_json::Value> = out
                .iter()
                .map(|r| match r {
                    Err(name) => serde_json::json!({"function": name, "error": "no source information"}),
                    Ok(r) => {
                        let mut v = serde_json::json!({
                            "function": r.function,
                            "file": r.file,
                            "flat": r.flat,
                            "cum": r.cum,
                        });
                        match &r.lines {
                            Err(e) => v["error"] = e.clone().into(),
                            Ok(ls) => {
                                v["lines"] = ls
                                    .iter()
                                    .map(|(no, f, c, text)| {
                                        serde_json::json!({"line": no, "flat": f, "cum": c, "source": text})
                                    })
                                    .collect();
                            }
                        }
                        v
                    }
                })
                .collect();
            let doc = serde_json::json!({
                "command": "list",
                "sample_type": p.sample_type_name(x.idx),
                "sample_unit": sample_unit,
                "total": x.total,
                "routines": routines,
            });
            serde_json::to_writer_pretty(&mut w, &doc)?;
            writeln!(w)?;
        }
    }
    w.flush()?;
    Ok(Outcome::Ok)
}

/// The routines of the functions matching `rx` (file names already
/// trimmed with [`trim_function_files`]): each function's lines with
/// flat and cum at lines granularity, or the reason its source is
/// missing (printed on stderr when `warn`). Also used by the page's
/// Source view.
pub(crate) fn routines(
    p: &crate::profile::Profile,
    idx: usize,
    rx: &regex::Regex,
    source_path: Option<&str>,
    trim_path: Option<&str>,
    warn: bool,
) -> Result<Vec<Result<Routine, String>>> {
    let t = aggregate::node_table(
        p,
        NodeOptions {
            granularity: Granularity::Lines,
            inlines: true,
        },
    );
    let (flat, cum) = aggregate::flat_cum(p, &t, idx);
    // The Go toolchain's pprof starts the window at the function's first
    // line for named functions too; the node table keeps start lines only
    // for unnamed ones, so look them up by (name, file).
    let mut start_lines: FxHashMap<(&str, String), i64> = FxHashMap::default();
    for f in &p.functions {
        if f.start_line != 0 {
            let file = aggregate::go_clean(aggregate::trim_path(p.str(f.filename)));
            start_lines
                .entry((p.str(f.name), file))
                .or_insert(f.start_line);
        }
    }
    let start_of = |n: usize| {
        let i = &t.infos[n];
        if i.start_line != 0 {
            return i.start_line;
        }
        start_lines
            .get(&(i.name.as_str(), i.file.clone()))
            .copied()
            .unwrap_or(0)
    };
    // Nodes of matching functions, in graph order, grouped by function.
    let mut by_fn: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (n, info) in t.infos.iter().enumerate() {
        if (flat[n] == 0 && cum[n] == 0) || !rx.is_match(&info.name) {
            continue;
        }
        by_fn.entry(info.name.as_str()).or_default().push(n);
    }
    let mut names: Vec<&str> = by_fn.keys().copied().collect();
    names.sort_unstable();
    let search = match source_path {
        Some(s) => s.to_string(),
        None => std::env::current_dir()
            .context("could not stat current dir")?
            .to_string_lossy()
            .into_owned(),
    };
    let mut reader = SourceReader {
        search,
        trim: trim_path.unwrap_or_default().to_string(),
        files: FxHashMap::default(),
    };
    let mut out: Vec<Result<Routine, String>> = Vec::new();
    for name in names {
        let mut files: Vec<(&str, Vec<usize>)> = Vec::new();
        for &n in &by_fn[name] {
            let f = t.infos[n].file.as_str();
            if f.is_empty() {
                continue;
            }
            match files.iter_mut().find(|(g, _)| *g == f) {
                Some((_, v)) => v.push(n),
                None => files.push((f, vec![n])),
            }
        }
        if files.is_empty() {
            out.push(Err(name.to_string()));
            continue;
        }
        files.sort_by(|a, b| a.0.cmp(b.0));
        for (file, ns) in files {
            let fs: i64 = ns.iter().map(|&n| flat[n]).fold(0, i64::wrapping_add);
            let cs: i64 = ns.iter().map(|&n| cum[n]).fold(0, i64::wrapping_add);
            let lines = source_lines(&mut reader, file, &ns, &t.infos, &start_of, &flat, &cum);
            if let (Err(e), true) = (&lines, warn) {
                eprintln!("heapscope: warning: {name}: {e}");
            }
            out.push(Ok(Routine {
                function: name.to_string(),
                file: file.to_string(),
                flat: fs,
                cum: cs,
                lines,
            }));
        }
    }
    Ok(out)
}

/// The window of lines pprof shows for one function in one file, with
/// each line's flat and cum (pprof's getSourceFromFile, including its
/// window rule).
fn source_lines(
    reader: &mut SourceReader,
    file: &str,
    ns: &[usize],
    infos: &[aggregate::NodeInfo],
    start_of: &dyn Fn(usize) -> i64,
    flat: &[i64],
    cum: &[i64],
) -> Result<Vec<(i64, i64, i64, String)>, String> {
    let first = &infos[ns[0]];
    let mut start = if start_of(ns[0]) != 0 {
        start_of(ns[0])
    } else {
        first.lineno - MARGIN
    };
    let mut end = first.lineno + MARGIN;
    let mut per_line: FxHashMap<i64, (i64, i64)> = FxHashMap::default();
    for &n in ns {
        let info = &infos[n];
        let node_start = if start_of(n) != 0 {
            start_of(n)
        } else {
            info.lineno - MARGIN
        };
        let node_end = info.lineno + MARGIN;
        // As pprof: a node that moves the start does not move the end.
        if node_start < start {
            start = node_start;
        } else if node_end > end {
            end = node_end;
        }
        let e = per_line.entry(info.lineno).or_default();
        e.0 = e.0.wrapping_add(flat[n]);
        e.1 = e.1.wrapping_add(cum[n]);
    }
    let start = start.max(1);
    let lines = reader.lines(file)?;
    let mut out = Vec::new();
    let mut no = start;
    while no <= end {
        let Some(text) = usize::try_from(no).ok().and_then(|i| lines.get(i - 1)) else {
            break;
        };
        let (f, c) = per_line.get(&no).copied().unwrap_or_default();
        out.push((no, f, c, text.clone()));
        no += 1;
    }
    Ok(out)
}

struct SourceReader {
    search: String,
    trim: String,
    files: FxHashMap<String, Result<Vec<String>, String>>,
}

impl SourceReader {
    fn lines(&mut self, path: &str) -> Result<&Vec<String>, String> {
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
        self.files[path].as_ref().map_err(String::clone)
    }
}

pub(crate) fn trim_function_files(p: &mut crate::profile::Profile, trim: &str, search: &str) {
    let mut index = FxHashMap::default();
    for i in 0..p.functions.len() {
        let f = p.str(p.functions[i].filename);
        let t = trim_path(f, trim, search);
        if t.len() != f.len() {
            let t = t.to_string();
            p.functions[i].filename = p.intern(&mut index, &t);
        }
    }
}

/// Finds a source file as pprof does: trim the path, then an absolute path
/// must exist as is; a relative one is tried under each search folder and
/// each of its parents.
fn open_source(path: &str, search: &str, trim: &str) -> Result<Vec<u8>, String> {
    let path = trim_path(path, trim, search);
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

/// pprof's trimPath: without --trim-path, strip everything up to a
/// search folder's base name found in the path; then strip the first
/// configured prefix (and /proc/self/cwd/) that matches.
fn trim_path<'a>(path: &'a str, trim: &str, search: &str) -> &'a str {
    if trim.is_empty() {
        for dir in search
            .split(':')
            .filter(|d| !search.is_empty() || !d.is_empty())
        {
            let base = go_base(dir);
            let want = format!("/{base}/");
            if let Some(i) = path.find(&want) {
                return &path[i + want.len()..];
            }
        }
    }
    let trims = trim
        .split(':')
        .filter(|s| !s.is_empty())
        .chain(["/proc/self/cwd/./", "/proc/self/cwd/"]);
    for t in trims {
        let t = if t.ends_with('/') {
            t.to_string()
        } else {
            format!("{t}/")
        };
        if let Some(rest) = path.strip_prefix(t.as_str()) {
            return rest;
        }
    }
    path
}

/// Go's filepath.Base.
fn go_base(p: &str) -> &str {
    if p.is_empty() {
        return ".";
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_as_pprof() {
        assert_eq!(
            trim_path("/some/remote/my-project/foo/bar.c", "", "/local/my-project"),
            "foo/bar.c"
        );
        assert_eq!(trim_path("/build/x/a.go", "/build", "/nowhere"), "x/a.go");
        assert_eq!(trim_path("/proc/self/cwd/a.go", "", "/nowhere"), "a.go");
        assert_eq!(trim_path("/abs/a.go", "", "/nowhere"), "/abs/a.go");
        assert_eq!(go_base("/a/b/"), "b");
    }
}
