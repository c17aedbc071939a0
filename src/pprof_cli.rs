//! `heapscope pprof ARGS` (and heapscope installed under the name `pprof`):
//! go tool pprof's own command line, parsed by a small parser of its own
//! that follows Go's `flag` package (single or double dash, `-flag=value`
//! or `-flag value`, booleans only as `-flag` or `-flag=false`, parsing
//! stops at the first argument that is not a flag or after `--`), into a
//! plain [`PprofArgs`]. [`crate::app::pprof`] turns it into heapscope's
//! options ([`crate::options`]) and reports.
//!
//! It owns the decisions pprof's `internal/driver/cli.go` and
//! `commands.go` make from the command line: which flags exist, how the
//! sample-index shorthands combine, that at most one report is asked for,
//! the optional binary before the profiles, and which defaults each report
//! overrides (`applyCommandOverrides`). Flags pprof knows that heapscope
//! does not implement are refused by name, so a script never gets a
//! silently different answer. No clap here: pprof's syntax is not clap's.

use crate::filter::FilterSpec;
use std::fmt;
use std::path::PathBuf;

/// The report a command line asks for (pprof's output formats).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// `-top` / `-text`.
    Top,
    Traces,
    Tree,
    /// `-peek REGEX`.
    Peek(String),
    /// `-list REGEX`.
    List(String),
    Tags,
    Raw,
    Callgrind,
    Proto,
    TopProto,
    Comments,
    /// `-dot`, `-svg`, `-png`: the call graph (see [`Report::is_graph`]).
    Dot,
    Svg,
    Png,
}

impl Report {
    /// pprof's name of the report.
    pub fn name(&self) -> &'static str {
        match self {
            Report::Top => "top",
            Report::Traces => "traces",
            Report::Tree => "tree",
            Report::Peek(_) => "peek",
            Report::List(_) => "list",
            Report::Tags => "tags",
            Report::Raw => "raw",
            Report::Callgrind => "callgrind",
            Report::Proto => "proto",
            Report::TopProto => "topproto",
            Report::Comments => "comments",
            Report::Dot => "dot",
            Report::Svg => "svg",
            Report::Png => "png",
        }
    }

    /// The call-graph reports, drawn by the graph module.
    pub fn is_graph(&self) -> bool {
        matches!(self, Report::Dot | Report::Svg | Report::Png)
    }

    /// Reports pprof writes with the `addresses` granularity and no
    /// trimming (`Proto`, `Raw`, `Callgrind` in `applyCommandOverrides`).
    fn forces_addresses(&self) -> bool {
        matches!(self, Report::Proto | Report::Raw | Report::Callgrind)
    }
}

/// What a pprof command line asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct PprofArgs {
    /// None: pprof would start its interactive shell.
    pub report: Option<Report>,
    /// `-http HOST:PORT`.
    pub http: Option<String>,
    /// `-no_browser`: with `-http`, do not open a browser.
    pub no_browser: bool,
    /// Everything after the flags: `[binary] source...` (the binary is
    /// split off by [`PprofArgs::split_binary`]).
    pub sources: Vec<String>,
    pub binary: Option<String>,
    pub base: Vec<String>,
    pub diff_base: Vec<String>,
    pub normalize: bool,
    /// `-symbolize`, as given ("" when absent).
    pub symbolize: String,
    pub seconds: Option<u64>,
    pub timeout: Option<u64>,
    pub output: Option<PathBuf>,
    /// The sample index after the shorthands ("" = the profile's default).
    pub sample_index: String,
    /// "Multiple value selections, ignoring -x" lines, as pprof prints them.
    pub warnings: Vec<String>,
    /// `functions`, `filefunctions`, `files`, `lines`, `addresses`, or ""
    /// (the report's default).
    pub granularity: String,
    pub noinlines: bool,
    /// `-focus` ... `-taghide`.
    pub filters: FilterSpec,
    /// Label keys (comma-separated) made into pseudo frames at the root
    /// and at the leaf of every sample.
    pub tagroot: String,
    pub tagleaf: String,
    /// -1: the report's default (0 for top, 80 for the others).
    pub nodecount: i64,
    pub nodefraction: f64,
    pub edgefraction: f64,
    pub trim: bool,
    pub cum: bool,
    pub unit: String,
    pub relative_percentages: bool,
    pub compact_labels: bool,
    pub call_tree: bool,
    pub divide_by: f64,
    pub mean: bool,
    pub source_path: String,
    pub trim_path: String,
}

impl Default for PprofArgs {
    fn default() -> Self {
        PprofArgs {
            report: None,
            http: None,
            no_browser: false,
            sources: Vec::new(),
            binary: None,
            base: Vec::new(),
            diff_base: Vec::new(),
            normalize: false,
            symbolize: String::new(),
            seconds: None,
            timeout: None,
            output: None,
            sample_index: String::new(),
            warnings: Vec::new(),
            granularity: String::new(),
            noinlines: false,
            filters: FilterSpec::default(),
            tagroot: String::new(),
            tagleaf: String::new(),
            nodecount: -1,
            nodefraction: 0.005,
            edgefraction: 0.001,
            trim: true,
            cum: false,
            unit: "minimum".into(),
            relative_percentages: false,
            compact_labels: false,
            call_tree: false,
            divide_by: 1.0,
            mean: false,
            source_path: String::new(),
            trim_path: String::new(),
        }
    }
}

/// The result of parsing: run, or print the usage.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    Run(Box<PprofArgs>),
    /// `-h` / `-help`.
    Help,
}

/// A command line pprof would refuse, or one heapscope cannot honour:
/// one line naming the flag (exit 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Str,
    /// A string flag that may repeat (`-base`, `-diff_base`).
    List,
    Int,
    Float,
}

/// Every flag go tool pprof defines, with whether heapscope honours it.
/// `None` in the third column: supported.
const FLAGS: &[(&str, Kind, Option<&str>)] = &[
    // Reports.
    ("top", Kind::Bool, None),
    ("text", Kind::Bool, None),
    ("traces", Kind::Bool, None),
    ("tree", Kind::Bool, None),
    ("peek", Kind::Str, None),
    ("list", Kind::Str, None),
    ("tags", Kind::Bool, None),
    ("raw", Kind::Bool, None),
    ("callgrind", Kind::Bool, None),
    ("proto", Kind::Bool, None),
    ("topproto", Kind::Bool, None),
    ("comments", Kind::Bool, None),
    ("dot", Kind::Bool, None),
    ("svg", Kind::Bool, None),
    ("png", Kind::Bool, None),
    ("http", Kind::Str, None),
    (
        "disasm",
        Kind::Str,
        Some("heapscope does not disassemble (no objdump)"),
    ),
    (
        "weblist",
        Kind::Str,
        Some("use -list, or -http for the web page"),
    ),
    ("gif", Kind::Bool, Some("use -svg or -png")),
    ("pdf", Kind::Bool, Some("use -svg or -png")),
    ("ps", Kind::Bool, Some("use -svg or -png")),
    ("eog", Kind::Bool, Some("use -svg or -http")),
    ("evince", Kind::Bool, Some("use -svg or -http")),
    ("gv", Kind::Bool, Some("use -svg or -http")),
    ("web", Kind::Bool, Some("use -http")),
    (
        "kcachegrind",
        Kind::Bool,
        Some("use -callgrind -output FILE and open FILE in KCachegrind"),
    ),
    // With -http, do not open a browser (pprof's rule: only with -http).
    ("no_browser", Kind::Bool, None),
    // Sources.
    ("base", Kind::List, None),
    ("diff_base", Kind::List, None),
    ("normalize", Kind::Bool, None),
    ("symbolize", Kind::Str, None),
    ("seconds", Kind::Int, None),
    ("timeout", Kind::Int, None),
    ("output", Kind::Str, None),
    (
        "buildid",
        Kind::Str,
        Some("name the binary instead (PPROF_BINARY_PATH is searched by build ID)"),
    ),
    ("add_comment", Kind::Str, Some("not implemented")),
    ("all_frames", Kind::Bool, Some("not implemented")),
    ("tools", Kind::Str, Some("heapscope needs no binutils")),
    // Sample index.
    ("sample_index", Kind::Str, None),
    ("inuse_space", Kind::Bool, None),
    ("inuse_objects", Kind::Bool, None),
    ("alloc_space", Kind::Bool, None),
    ("alloc_objects", Kind::Bool, None),
    ("total_delay", Kind::Bool, None),
    ("contentions", Kind::Bool, None),
    ("mean_delay", Kind::Bool, None),
    // Granularity.
    ("functions", Kind::Bool, None),
    ("filefunctions", Kind::Bool, None),
    ("files", Kind::Bool, None),
    ("lines", Kind::Bool, None),
    ("addresses", Kind::Bool, None),
    ("noinlines", Kind::Bool, None),
    (
        "showcolumns",
        Kind::Bool,
        Some("heapscope does not group by column"),
    ),
    // Filters.
    ("focus", Kind::Str, None),
    ("ignore", Kind::Str, None),
    ("hide", Kind::Str, None),
    ("show", Kind::Str, None),
    ("show_from", Kind::Str, None),
    ("prune_from", Kind::Str, None),
    ("tagfocus", Kind::Str, None),
    ("tagignore", Kind::Str, None),
    ("tagshow", Kind::Str, None),
    ("taghide", Kind::Str, None),
    ("tagroot", Kind::Str, None),
    ("tagleaf", Kind::Str, None),
    ("drop_negative", Kind::Bool, Some("not implemented")),
    // Trimming and display.
    ("nodecount", Kind::Int, None),
    ("nodefraction", Kind::Float, None),
    ("edgefraction", Kind::Float, None),
    ("trim", Kind::Bool, None),
    ("cum", Kind::Bool, None),
    ("flat", Kind::Bool, None),
    ("unit", Kind::Str, None),
    ("relative_percentages", Kind::Bool, None),
    ("compact_labels", Kind::Bool, None),
    ("call_tree", Kind::Bool, None),
    ("divide_by", Kind::Float, None),
    ("mean", Kind::Bool, None),
    ("source_path", Kind::Str, None),
    ("trim_path", Kind::Str, None),
    (
        "intel_syntax",
        Kind::Bool,
        Some("heapscope does not disassemble"),
    ),
];

/// Go's `strconv.ParseBool`.
fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, `0x`/`0o`/`0b`/`0`
/// prefixes, underscores only with a prefix.
fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.contains('_') && !prefixed {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let v = i128::from_str_radix(&digits, radix).ok()?;
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms people type.
fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(['+', '-']);
    if t.is_empty() || !(t.starts_with(|c: char| c.is_ascii_digit() || c == '.')) {
        return match s.to_ascii_lowercase().as_str() {
            "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
            "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
            "nan" => Some(f64::NAN),
            _ => None,
        };
    }
    s.parse().ok()
}

/// A parsed flag value.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Bool(bool),
    Str(String),
    Int(i64),
    Float(f64),
}

/// Flag values as set on the command line (the last occurrence wins, as
/// in Go; list flags collect every occurrence).
#[derive(Default)]
struct Seen {
    values: std::collections::BTreeMap<&'static str, Value>,
    lists: std::collections::BTreeMap<&'static str, Vec<String>>,
}

impl Seen {
    fn bool(&self, name: &str) -> bool {
        matches!(self.values.get(name), Some(Value::Bool(true)))
    }
    fn str(&self, name: &str) -> String {
        match self.values.get(name) {
            Some(Value::Str(s)) => s.clone(),
            _ => String::new(),
        }
    }
    fn int(&self, name: &str) -> Option<i64> {
        match self.values.get(name) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
    fn float(&self, name: &str) -> Option<f64> {
        match self.values.get(name) {
            Some(Value::Float(f)) => Some(*f),
            _ => None,
        }
    }
}

/// Parses pprof's arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Parsed, ParseError> {
    let mut seen = Seen::default();
    let mut i = 0;
    while i < args.len() {
        let s = &args[i];
        if s.len() < 2 || !s.starts_with('-') {
            break;
        }
        let body = if let Some(rest) = s.strip_prefix("--") {
            if rest.is_empty() {
                i += 1;
                break;
            }
            rest
        } else {
            &s[1..]
        };
        if body.starts_with(['-', '=']) {
            return Err(ParseError(format!("bad flag syntax: {s}")));
        }
        i += 1;
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        if name == "h" || name == "help" {
            return Ok(Parsed::Help);
        }
        let Some(&(canon, kind, unsupported)) = FLAGS.iter().find(|f| f.0 == name) else {
            return Err(ParseError(format!(
                "flag provided but not defined: -{name}"
            )));
        };
        let value = if kind == Kind::Bool {
            match inline {
                None => Value::Bool(true),
                Some(v) => Value::Bool(parse_bool(&v).ok_or_else(|| {
                    ParseError(format!(
                        "invalid boolean value {v:?} for -{name}: parse error"
                    ))
                })?),
            }
        } else {
            let v = match inline {
                Some(v) => v,
                None if i < args.len() => {
                    i += 1;
                    args[i - 1].clone()
                }
                None => return Err(ParseError(format!("flag needs an argument: -{name}"))),
            };
            let bad = || ParseError(format!("invalid value {v:?} for flag -{name}: parse error"));
            match kind {
                Kind::Int => Value::Int(parse_int(&v).ok_or_else(bad)?),
                Kind::Float => Value::Float(parse_float(&v).ok_or_else(bad)?),
                _ => Value::Str(v.clone()),
            }
        };
        if let Some(why) = unsupported {
            // pprof's default is harmless: `-tagroot=` or `-no_browser=false`.
            let harmless = matches!(&value, Value::Bool(false))
                || matches!(&value, Value::Str(s) if s.is_empty());
            if !harmless {
                return Err(ParseError(format!(
                    "flag -{name} is not supported by heapscope pprof: {why}"
                )));
            }
        }
        if kind == Kind::List {
            if let Value::Str(v) = value {
                seen.lists.entry(canon).or_default().push(v);
            }
        } else {
            seen.values.insert(canon, value);
        }
    }
    resolve(&seen, args[i..].to_vec()).map(|a| Parsed::Run(Box::new(a)))
}

/// Go's map order is random; heapscope names conflicts in a fixed order.
fn conflicting(set: &[&str]) -> ParseError {
    ParseError(format!("conflicting options set: [{}]", set.join(" ")))
}

fn resolve(seen: &Seen, sources: Vec<String>) -> Result<PprofArgs, ParseError> {
    let mut a = PprofArgs::default();
    if sources.is_empty() {
        return Err(ParseError("no profile source specified".into()));
    }
    a.sources = sources;

    let mut reports = Vec::new();
    for (flag, r) in [
        ("top", Report::Top),
        ("text", Report::Top),
        ("traces", Report::Traces),
        ("tree", Report::Tree),
        ("tags", Report::Tags),
        ("raw", Report::Raw),
        ("callgrind", Report::Callgrind),
        ("proto", Report::Proto),
        ("topproto", Report::TopProto),
        ("comments", Report::Comments),
        ("dot", Report::Dot),
        ("svg", Report::Svg),
        ("png", Report::Png),
    ] {
        if seen.bool(flag) {
            reports.push(r);
        }
    }
    for flag in ["peek", "list"] {
        let rx = seen.str(flag);
        if !rx.is_empty() {
            reports.push(if flag == "peek" {
                Report::Peek(rx)
            } else {
                Report::List(rx)
            });
        }
    }
    if reports.len() > 1 {
        return Err(ParseError("must set at most one output format".into()));
    }
    a.report = reports.pop();
    a.http = Some(seen.str("http")).filter(|h| !h.is_empty());
    if a.report.is_some() && a.http.is_some() {
        return Err(ParseError(
            "-http is not compatible with an output format on the command line".into(),
        ));
    }
    a.no_browser = seen.bool("no_browser");
    if a.no_browser && a.http.is_none() {
        return Err(ParseError("-no_browser only makes sense with -http".into()));
    }

    let g: Vec<&str> = ["addresses", "filefunctions", "files", "functions", "lines"]
        .into_iter()
        .filter(|f| seen.bool(f))
        .collect();
    if g.len() > 1 {
        return Err(conflicting(&g));
    }
    a.granularity = g.first().map(|s| s.to_string()).unwrap_or_default();
    let sort: Vec<&str> = ["cum", "flat"]
        .into_iter()
        .filter(|f| seen.bool(f))
        .collect();
    if sort.len() > 1 {
        return Err(conflicting(&sort));
    }
    a.cum = sort == ["cum"];

    // pprof's sampleIndex chain, in its order.
    let mut si = seen.str("sample_index");
    for (flag, name) in [
        ("total_delay", "delay"),
        ("mean_delay", "delay"),
        ("contentions", "contentions"),
        ("inuse_space", "inuse_space"),
        ("inuse_objects", "inuse_objects"),
        ("alloc_space", "alloc_space"),
        ("alloc_objects", "alloc_objects"),
    ] {
        if seen.bool(flag) {
            if si.is_empty() {
                si = name.to_string();
            } else {
                a.warnings
                    .push(format!("Multiple value selections, ignoring -{flag}"));
            }
        }
    }
    a.sample_index = si;
    a.mean = seen.bool("mean") || seen.bool("mean_delay");

    let base: Vec<String> = seen.lists.get("base").cloned().unwrap_or_default();
    let diff_base: Vec<String> = seen.lists.get("diff_base").cloned().unwrap_or_default();
    a.base = base.into_iter().filter(|s| !s.is_empty()).collect();
    a.diff_base = diff_base.into_iter().filter(|s| !s.is_empty()).collect();
    if !a.base.is_empty() && !a.diff_base.is_empty() {
        return Err(ParseError(
            "-base and -diff_base flags cannot both be specified".into(),
        ));
    }
    a.normalize = seen.bool("normalize");
    if a.normalize && a.base.is_empty() && a.diff_base.is_empty() {
        return Err(ParseError("must have base profile to normalize by".into()));
    }

    a.symbolize = seen.str("symbolize");
    a.seconds = seen.int("seconds").filter(|&n| n >= 0).map(|n| n as u64);
    a.timeout = seen.int("timeout").filter(|&n| n >= 0).map(|n| n as u64);
    a.output = Some(seen.str("output"))
        .filter(|o| !o.is_empty())
        .map(PathBuf::from);
    a.noinlines = seen.bool("noinlines");
    a.filters = FilterSpec {
        focus: seen.str("focus"),
        ignore: seen.str("ignore"),
        hide: seen.str("hide"),
        show: seen.str("show"),
        show_from: seen.str("show_from"),
        prune_from: seen.str("prune_from"),
        tagfocus: seen.str("tagfocus"),
        tagignore: seen.str("tagignore"),
        tagshow: seen.str("tagshow"),
        taghide: seen.str("taghide"),
    };
    a.tagroot = seen.str("tagroot");
    a.tagleaf = seen.str("tagleaf");
    if let Some(n) = seen.int("nodecount") {
        a.nodecount = n;
    }
    if let Some(f) = seen.float("nodefraction") {
        a.nodefraction = f;
    }
    if let Some(f) = seen.float("edgefraction") {
        a.edgefraction = f;
    }
    if let Some(Value::Bool(t)) = seen.values.get("trim") {
        a.trim = *t;
    }
    if seen.values.contains_key("unit") {
        a.unit = seen.str("unit");
    }
    a.relative_percentages = seen.bool("relative_percentages");
    a.compact_labels = seen.bool("compact_labels");
    a.call_tree = seen.bool("call_tree");
    if let Some(d) = seen.float("divide_by") {
        if d == 0.0 {
            return Err(ParseError("zero divisor specified".into()));
        }
        a.divide_by = d;
    }
    a.source_path = seen.str("source_path");
    a.trim_path = seen.str("trim_path");
    Ok(a)
}

/// Options a report runs with after pprof's `applyCommandOverrides`.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    pub granularity: String,
    pub noinlines: bool,
    /// 0: no limit.
    pub nodecount: usize,
    pub nodefraction: f64,
    pub edgefraction: f64,
}

impl PprofArgs {
    /// Splits off the binary: with more than one argument, pprof takes the
    /// first as the executable when it opens as an object file.
    pub fn split_binary(&mut self, is_object_file: impl Fn(&str) -> bool) {
        if self.sources.len() > 1 && is_object_file(&self.sources[0]) {
            self.binary = Some(self.sources.remove(0));
        }
    }

    /// The trimming and granularity `report` runs with: pprof's
    /// `applyCommandOverrides`.
    pub fn effective(&self, report: &Report) -> Effective {
        let mut trim = self.trim;
        let mut granularity = self.granularity.clone();
        let mut nodecount = self.nodecount;
        match report {
            Report::Peek(_) => trim = false,
            Report::List(_) => {
                trim = false;
                granularity = "lines".into();
            }
            Report::Top | Report::TopProto => {
                if nodecount == -1 {
                    nodecount = 0;
                }
            }
            _ => {
                if nodecount == -1 {
                    nodecount = 80;
                }
            }
        }
        if report.forces_addresses() {
            trim = false;
            granularity = "addresses".into();
        }
        let mut e = Effective {
            granularity,
            noinlines: self.noinlines,
            nodecount: nodecount.max(0) as usize,
            nodefraction: self.nodefraction,
            edgefraction: self.edgefraction,
        };
        if !trim {
            e.nodecount = 0;
            e.nodefraction = 0.0;
            e.edgefraction = 0.0;
        }
        e
    }
}

/// True when the program was started under the name `pprof` (a symlink or
/// a copy): then its arguments are pprof's.
pub fn invoked_as_pprof(argv0: &std::ffi::OsStr) -> bool {
    let name = std::path::Path::new(argv0)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    name == "pprof"
}

/// The usage text for `-h`.
pub const USAGE: &str = "usage: heapscope pprof <format> [options] [binary] <source> ...

go tool pprof's command line, answered by heapscope.

Formats: -top -text -traces -tree -peek REGEX -list REGEX -tags -raw
         -callgrind -proto -topproto -comments -dot -svg -png, or -http HOST:PORT
Options: -output FILE -sample_index NAME (-inuse_space -inuse_objects
         -alloc_space -alloc_objects) -functions -filefunctions -files -lines
         -addresses -noinlines -focus -ignore -hide -show -show_from
         -prune_from -tagfocus -tagignore -tagshow -taghide -nodecount N
         -nodefraction F -edgefraction F -trim=false -cum -flat -unit UNIT
         -mean -divide_by F -relative_percentages -compact_labels -call_tree
         -base SRC -diff_base SRC -normalize -symbolize MODE -seconds N
         -timeout N -source_path DIRS -trim_path PREFIXES
Sources: profile files, - for standard input, or http(s) URLs; an optional
         binary first. PPROF_BINARY_PATH is searched for binaries.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<PprofArgs, ParseError> {
        let v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&v)? {
            Parsed::Run(a) => Ok(*a),
            Parsed::Help => Err(ParseError("help".into())),
        }
    }

    #[test]
    fn go_flag_syntax() {
        let a = p(&[
            "-top",
            "--nodecount",
            "20",
            "-sample_index=alloc_space",
            "x.pb.gz",
        ])
        .unwrap();
        assert_eq!(a.report, Some(Report::Top));
        assert_eq!(a.nodecount, 20);
        assert_eq!(a.sample_index, "alloc_space");
        assert_eq!(a.sources, ["x.pb.gz"]);
        // Parsing stops at the first non-flag; `--` ends the flags.
        let a = p(&["-top", "x", "-cum"]).unwrap();
        assert_eq!(a.sources, ["x", "-cum"]);
        assert!(!a.cum);
        let a = p(&["-top", "--", "-weird"]).unwrap();
        assert_eq!(a.sources, ["-weird"]);
        // A lone dash is standard input.
        assert_eq!(p(&["-raw", "-"]).unwrap().sources, ["-"]);
        // Booleans take no separate value.
        let a = p(&["-top", "-trim", "false"]).unwrap();
        assert!(a.trim);
        assert_eq!(a.sources, ["false"]);
        assert!(!p(&["-top", "-trim=false", "x"]).unwrap().trim);
        assert!(!p(&["-top", "-cum", "-cum=0", "x"]).unwrap().cum);
    }

    #[test]
    fn errors_name_the_flag() {
        let e = p(&["-top", "-bogus", "x"]).unwrap_err();
        assert_eq!(e.0, "flag provided but not defined: -bogus");
        let e = p(&["-top", "-nodecount=ten", "x"]).unwrap_err();
        assert!(e.0.contains("-nodecount"), "{e}");
        let e = p(&["-top", "-trim=maybe", "x"]).unwrap_err();
        assert!(e.0.contains("-trim"), "{e}");
        let e = p(&["-top", "-tagleaf=bytes", "x"]).unwrap();
        assert_eq!(e.tagleaf, "bytes");
        let e = p(&["-top", "-disasm=foo", "x"]).unwrap_err();
        assert!(e.0.starts_with("flag -disasm is not supported"), "{e}");
        let e = p(&["-top", "x", "-nodecount"]).unwrap();
        assert_eq!(e.sources, ["x", "-nodecount"]);
        assert_eq!(
            p(&["-top", "-nodecount"]).unwrap_err().0,
            "flag needs an argument: -nodecount"
        );
        assert_eq!(
            p(&["-top", "-tree", "x"]).unwrap_err().0,
            "must set at most one output format"
        );
        assert_eq!(p(&["-top"]).unwrap_err().0, "no profile source specified");
        assert!(
            p(&["-lines", "-files", "-top", "x"])
                .unwrap_err()
                .0
                .contains("conflicting")
        );
        assert!(
            p(&["-top", "-normalize", "x"])
                .unwrap_err()
                .0
                .contains("base")
        );
        assert!(p(&["-top", "-base=a", "-diff_base=b", "x"]).is_err());
        assert!(p(&["-top", "-divide_by=0", "x"]).is_err());
        assert!(p(&["-top", "-http=:8080", "x"]).is_err());
        // pprof's defaults of unsupported flags are harmless.
        assert!(p(&["-top", "-weblist=", "-no_browser=false", "x"]).is_ok());
        assert!(
            p(&["-top", "-no_browser", "x"])
                .unwrap_err()
                .0
                .contains("-http")
        );
        assert!(p(&["-http=:0", "-no_browser", "x"]).is_ok());
    }

    #[test]
    fn sample_shorthands_in_pprof_order() {
        let a = p(&["-alloc_space", "-inuse_objects", "-top", "x"]).unwrap();
        assert_eq!(a.sample_index, "inuse_objects");
        assert_eq!(
            a.warnings,
            ["Multiple value selections, ignoring -alloc_space"]
        );
        let a = p(&["-sample_index=1", "-alloc_space", "-top", "x"]).unwrap();
        assert_eq!(a.sample_index, "1");
        let a = p(&["-mean_delay", "-top", "x"]).unwrap();
        assert_eq!(a.sample_index, "delay");
        assert!(a.mean);
    }

    #[test]
    fn repeated_bases_and_numbers() {
        let a = p(&["-base", "a", "-base=b", "-top", "-timeout=0x10", "x", "y"]).unwrap();
        assert_eq!(a.base, ["a", "b"]);
        assert_eq!(a.timeout, Some(16));
        assert_eq!(a.sources, ["x", "y"]);
        let a = p(&["-nodefraction=.5", "-edgefraction", "1e-3", "-top", "x"]).unwrap();
        assert_eq!(a.nodefraction, 0.5);
        assert_eq!(a.edgefraction, 0.001);
        assert_eq!(parse_int("1_000"), None);
        assert_eq!(parse_int("0b1_0"), Some(2));
        assert_eq!(parse_int("-12"), Some(-12));
    }

    #[test]
    fn command_overrides() {
        let a = p(&["-top", "x"]).unwrap();
        assert_eq!(a.effective(&Report::Top).nodecount, 0);
        assert_eq!(a.effective(&Report::Tree).nodecount, 80);
        let e = a.effective(&Report::Raw);
        assert_eq!((e.granularity.as_str(), e.nodefraction), ("addresses", 0.0));
        let e = a.effective(&Report::List("f".into()));
        assert_eq!((e.granularity.as_str(), e.nodecount), ("lines", 0));
        let a = p(&["-tree", "-trim=false", "-nodecount=5", "x"]).unwrap();
        assert_eq!(a.effective(&Report::Tree).nodecount, 0);
    }

    #[test]
    fn binary_before_profiles() {
        let mut a = p(&["-top", "bin", "x"]).unwrap();
        a.split_binary(|s| s == "bin");
        assert_eq!(a.binary.as_deref(), Some("bin"));
        assert_eq!(a.sources, ["x"]);
        // A lone argument is always a profile.
        let mut a = p(&["-top", "bin"]).unwrap();
        a.split_binary(|_| true);
        assert_eq!(a.binary, None);
    }

    #[test]
    fn argv0() {
        use std::ffi::OsStr;
        assert!(invoked_as_pprof(OsStr::new("/usr/local/bin/pprof")));
        assert!(invoked_as_pprof(OsStr::new("pprof.exe")));
        assert!(!invoked_as_pprof(OsStr::new("heapscope")));
    }
}
