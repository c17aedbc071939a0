//! The `list` report: pprof's `-list`. For each function matching a regex,
//! grouped by source file, the window of source lines pprof shows
//! (`getSourceFromFile`, including its window rule), each with flat and cum
//! at lines granularity (untrimmed).
//!
//! The model is built once and rendered by `render::list` as text or JSON.
//! Reading source files is I/O, so it stays with the caller behind
//! [`SourceFiles`]; a file that cannot be read becomes an error inside its
//! routine (pprof prints it in the listing), never a failed report.
//! pprof's source-path rules ([`trim_source_path`]) live here because the
//! report applies them to the profile's file names before aggregating.

use crate::aggregate::{self, Granularity, NodeInfo, NodeOptions};
use crate::profile::{Builder, Profile};
use crate::units;
use regex::Regex;
use rustc_hash::FxHashMap;

/// Lines shown before the first and after the last sampled line.
const MARGIN: i64 = 5;

/// Where the source lines come from (the caller reads files).
pub trait SourceFiles {
    /// The lines of `path` (as named in the profile, after trimming),
    /// without line endings; or why it cannot be read.
    fn lines(&mut self, path: &str) -> Result<&[String], String>;
}

/// What to list.
pub struct ListOptions<'a> {
    pub regex: &'a Regex,
    pub sample_index: usize,
    /// The total before filtering, for percentages.
    pub total: i64,
    /// The display unit (`--unit`).
    pub unit: String,
}

/// The listing of every matching function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListReport {
    pub sample_type: String,
    /// The sample type's unit, lower-cased.
    pub sample_unit: String,
    /// The display unit (`--unit`).
    pub unit: String,
    pub total: i64,
    /// Functions in name order, each function's files in name order.
    pub routines: Vec<Routine>,
}

/// One entry of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routine {
    /// A matching function none of whose nodes has a file name.
    NoSource { function: String },
    /// A matching function in one source file.
    Listed(Listing),
}

/// A function's lines in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub function: String,
    pub file: String,
    pub flat: i64,
    pub cum: i64,
    /// The window of source lines, or why the file could not be read.
    pub lines: Result<Vec<SourceLine>, String>,
}

/// One source line with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub line: i64,
    pub flat: i64,
    pub cum: i64,
    pub source: String,
}

impl ListReport {
    /// A value in the display unit, as pprof prints it.
    pub fn format_value(&self, v: i64) -> String {
        units::scaled_label(v, &self.sample_unit, &self.unit)
    }

    /// The routines whose file could not be read, with the reason.
    pub fn source_errors(&self) -> impl Iterator<Item = (&str, &str)> {
        self.routines.iter().filter_map(|r| match r {
            Routine::Listed(Listing {
                function,
                lines: Err(e),
                ..
            }) => Some((function.as_str(), e.as_str())),
            _ => None,
        })
    }
}

/// No function matched the regex of `list` or `peek` (pprof's wording).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMatches(pub String);

impl std::fmt::Display for NoMatches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no matches found for regexp: {}", self.0)
    }
}

impl std::error::Error for NoMatches {}

/// Builds the listing of `p` (file names already trimmed with
/// [`trim_function_files`]).
pub fn list(
    p: &Profile,
    o: &ListOptions,
    sources: &mut dyn SourceFiles,
) -> Result<ListReport, NoMatches> {
    let t = aggregate::node_table(
        p,
        NodeOptions {
            granularity: Granularity::Lines,
            inlines: true,
        },
    );
    let (flat, cum) = aggregate::flat_cum(p, &t, o.sample_index);
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
        if (flat[n] == 0 && cum[n] == 0) || !o.regex.is_match(&info.name) {
            continue;
        }
        by_fn.entry(info.name.as_str()).or_default().push(n);
    }
    if by_fn.is_empty() {
        return Err(NoMatches(o.regex.as_str().to_string()));
    }
    let mut names: Vec<&str> = by_fn.keys().copied().collect();
    names.sort_unstable();
    let mut routines = Vec::new();
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
            routines.push(Routine::NoSource {
                function: name.to_string(),
            });
            continue;
        }
        files.sort_by(|a, b| a.0.cmp(b.0));
        for (file, ns) in files {
            let fs: i64 = ns.iter().map(|&n| flat[n]).fold(0, i64::wrapping_add);
            let cs: i64 = ns.iter().map(|&n| cum[n]).fold(0, i64::wrapping_add);
            let lines = source_lines(sources, file, &ns, &t.infos, &start_of, &flat, &cum);
            routines.push(Routine::Listed(Listing {
                function: name.to_string(),
                file: file.to_string(),
                flat: fs,
                cum: cs,
                lines,
            }));
        }
    }
    Ok(ListReport {
        sample_type: p.sample_type_name(o.sample_index).to_string(),
        sample_unit: p.sample_type_unit(o.sample_index).to_lowercase(),
        unit: o.unit.clone(),
        total: o.total,
        routines,
    })
}

/// The window of lines pprof shows for one function in one file, with
/// each line's flat and cum (pprof's getSourceFromFile, including its
/// window rule).
fn source_lines(
    sources: &mut dyn SourceFiles,
    file: &str,
    ns: &[usize],
    infos: &[NodeInfo],
    start_of: &dyn Fn(usize) -> i64,
    flat: &[i64],
    cum: &[i64],
) -> Result<Vec<SourceLine>, String> {
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
    let lines = sources.lines(file)?;
    let mut out = Vec::new();
    let mut no = start;
    while no <= end {
        let Some(text) = usize::try_from(no).ok().and_then(|i| lines.get(i - 1)) else {
            break;
        };
        let (f, c) = per_line.get(&no).copied().unwrap_or_default();
        out.push(SourceLine {
            line: no,
            flat: f,
            cum: c,
            source: text.clone(),
        });
        no += 1;
    }
    Ok(out)
}

/// As pprof's report graph: every function's file name trimmed with
/// [`trim_source_path`] before aggregating.
pub fn trim_function_files(p: Profile, trim: &str, search: &str) -> Profile {
    let mut b = Builder::from_profile(p);
    for i in 0..b.functions.len() {
        let f = b.str(b.functions[i].filename);
        let t = trim_source_path(f, trim, search);
        if t.len() != f.len() {
            let t = t.to_string();
            let s = b.intern(&t);
            b.functions[i].filename = s;
        }
    }
    b.finish()
}

/// pprof's trimPath: without --trim-path, strip everything up to a
/// search folder's base name found in the path; then strip the first
/// configured prefix that matches, else the `/proc/self/cwd/` prefixes
/// ([`aggregate::trim_path`]).
pub fn trim_source_path<'a>(path: &'a str, trim: &str, search: &str) -> &'a str {
    if trim.is_empty() {
        for dir in search
            .split(':')
            .filter(|d| !search.is_empty() || !d.is_empty())
        {
            let want = format!("/{}/", aggregate::go_base(dir));
            if let Some(i) = path.find(&want) {
                return &path[i + want.len()..];
            }
        }
    }
    for t in trim.split(':').filter(|s| !s.is_empty()) {
        let t = if t.ends_with('/') {
            t.to_string()
        } else {
            format!("{t}/")
        };
        if let Some(rest) = path.strip_prefix(t.as_str()) {
            return rest;
        }
    }
    aggregate::trim_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::LocIdx;

    /// Sources served from memory: `a.go` has 30 numbered lines; any other
    /// file is missing.
    struct Fake(Vec<String>);

    impl SourceFiles for Fake {
        fn lines(&mut self, path: &str) -> Result<&[String], String> {
            match path {
                "a.go" => Ok(&self.0),
                _ => Err(format!("open {path}: no such file or directory")),
            }
        }
    }

    /// main.f (a.go, starts at line 10) allocates at line 12, called from
    /// main.main at line 20; main.g has no file.
    fn profile() -> Profile {
        let mut b = Builder::new();
        let t = b.value_type("inuse_space", "bytes");
        b.sample_types.push(t);
        b.samples.stride = 1;
        let f = b.function("main.f", "a.go", 10);
        let main = b.function("main.main", "a.go", 18);
        let g = b.function("main.g", "", 0);
        for (f, line) in [(f, 12), (main, 20), (g, 0)] {
            b.location(None, 0, &[(f, line)]);
        }
        b.samples.push(&[LocIdx(0), LocIdx(1)], &[100], &[]);
        b.samples.push(&[LocIdx(2), LocIdx(1)], &[7], &[]);
        b.finish()
    }

    fn run(rx: &str) -> Result<ListReport, NoMatches> {
        let p = profile();
        let regex = Regex::new(rx).unwrap();
        let o = ListOptions {
            regex: &regex,
            sample_index: 0,
            total: 107,
            unit: "minimum".into(),
        };
        let mut src = Fake((1..=30).map(|i| format!("line {i}")).collect());
        list(&p, &o, &mut src)
    }

    #[test]
    fn windows_values_and_missing_sources() {
        let r = run("main\\.").unwrap();
        assert_eq!((r.sample_type.as_str(), r.total), ("inuse_space", 107));
        assert_eq!(r.routines.len(), 3);
        // main.f: from its start line 10 to 12 + 5.
        let Routine::Listed(f) = &r.routines[0] else {
            panic!("{:?}", r.routines[0])
        };
        assert_eq!((f.function.as_str(), f.flat, f.cum), ("main.f", 100, 100));
        let lines = f.lines.as_ref().unwrap();
        assert_eq!(lines.first().map(|l| l.line), Some(10));
        assert_eq!(lines.last().map(|l| l.line), Some(17));
        let hot: Vec<_> = lines.iter().filter(|l| l.cum != 0).collect();
        assert_eq!(hot.len(), 1);
        assert_eq!(
            (hot[0].line, hot[0].flat, hot[0].source.as_str()),
            (12, 100, "line 12")
        );
        // main.g has no file: no source information.
        assert_eq!(
            r.routines[1],
            Routine::NoSource {
                function: "main.g".into()
            }
        );
        let Routine::Listed(m) = &r.routines[2] else {
            panic!("{:?}", r.routines[2])
        };
        assert_eq!((m.flat, m.cum), (0, 107));
        assert_eq!(r.source_errors().count(), 0);
    }

    #[test]
    fn no_match_is_typed() {
        assert_eq!(run("zzz").unwrap_err(), NoMatches("zzz".into()));
    }

    #[test]
    fn trims_as_pprof() {
        let t = trim_source_path;
        assert_eq!(
            t("/some/remote/my-project/foo/bar.c", "", "/local/my-project"),
            "foo/bar.c"
        );
        assert_eq!(t("/build/x/a.go", "/build", "/nowhere"), "x/a.go");
        assert_eq!(t("/build/x/a.go", "/build/", "/nowhere"), "x/a.go");
        assert_eq!(t("/proc/self/cwd/a.go", "", "/nowhere"), "a.go");
        assert_eq!(t("/proc/self/cwd/./a.go", "/other", "/nowhere"), "a.go");
        assert_eq!(t("/abs/a.go", "", "/nowhere"), "/abs/a.go");
        // With --trim-path the search folders' base names are not used.
        assert_eq!(
            t("/x/my-project/a.go", "/y", "/l/my-project"),
            "/x/my-project/a.go"
        );
    }
}
