//! The plain request types the commands in [`crate::app`] take: which
//! profiles to read and how, which sample type, which filters, which
//! options of the report, and where to write it. The binary fills them
//! from its flags (`src/cli.rs`, the only place that knows clap), and
//! [`crate::app::pprof`] from go tool pprof's command line, so both
//! command lines reach the same code. No clap and no flag names here.

use crate::aggregate::NodeOptions;
use crate::filter::FilterSpec;
use crate::graph::GraphOptions;
use crate::report::TopOptions;
use crate::report::check::Rule;
use crate::report::tree::TreeOptions;
use std::path::PathBuf;
use std::time::Duration;

/// How profiles are read: size cap, live-profile fetching, symbolization.
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Refuse inputs larger than this once decompressed.
    pub max_input_size: u64,
    /// For http(s) profiles: seconds before giving up (None: the default).
    pub timeout: Option<f64>,
    /// For http(s) profiles: ask for a delta profile over this many seconds.
    pub seconds: Option<u64>,
    /// How to symbolize; the search path from the environment is added
    /// when a profile is loaded.
    pub symbolize: crate::symbolize::Options,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            max_input_size: 2 << 30,
            timeout: None,
            seconds: None,
            symbolize: crate::symbolize::Options::default(),
        }
    }
}

/// Which sample type to report.
#[derive(Clone, Debug, Default)]
pub struct SampleRequest {
    /// A name (`alloc_space`) or an index; "" is the profile's default.
    pub index: String,
    /// Selections that lost to another one, printed on stderr when the
    /// profiles are read (pprof's "Multiple value selections" lines).
    pub warnings: Vec<String>,
}

impl SampleRequest {
    /// Prints the warnings and returns the requested index.
    pub(crate) fn announce(&self) -> &str {
        for w in &self.warnings {
            eprintln!("{w}");
        }
        &self.index
    }
}

/// pprof's `-base` / `-diff_base`: profiles the values are taken against.
#[derive(Clone, Debug, Default)]
pub struct Bases {
    /// Subtract these (values and percentages of the difference).
    pub base: Vec<String>,
    /// Compare against these (percentages of the base total).
    pub diff_base: Vec<String>,
}

/// What a report over merged profiles reads, and how it narrows them.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Paths, URLs or `-`; several are merged.
    pub profiles: Vec<String>,
    pub sample: SampleRequest,
    pub bases: Bases,
    pub filters: FilterSpec,
    pub input: InputOptions,
}

/// Report formats: text and JSON for every report, CSV and Markdown for
/// the reports that are a table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    Json,
    Csv,
    Markdown,
}

impl Format {
    /// The format's name, as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
        }
    }

    /// Whether the format is a table (CSV or Markdown).
    pub fn is_table(self) -> bool {
        matches!(self, Format::Csv | Format::Markdown)
    }
}

/// Where and how a report is printed.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub format: Format,
    /// "minimum" (one unit for the report), "auto" (each value on its
    /// own) or a unit (see [`crate::units::parse_output_unit`]).
    pub unit: String,
    /// A file, written atomically; None or `-` is standard output.
    pub path: Option<PathBuf>,
}

/// `top`. The options' sample index is set once the profiles are read.
#[derive(Clone, Debug)]
pub struct TopRequest {
    pub selection: Selection,
    pub options: TopOptions,
    pub output: Output,
}

/// `traces` and `tags` (which ignores `nodes`).
#[derive(Clone, Debug)]
pub struct ReportRequest {
    pub selection: Selection,
    pub nodes: NodeOptions,
    pub output: Output,
}

/// `tree`, and `peek` when `peek` holds its regex (peek runs untrimmed).
#[derive(Clone, Debug)]
pub struct TreeRequest {
    pub selection: Selection,
    pub options: TreeOptions,
    pub peek: Option<String>,
    pub output: Output,
}

/// Where `list` (and the page's Source view) finds source files.
#[derive(Clone, Debug, Default)]
pub struct SourceOptions {
    /// Folders separated by `:` (None: the current folder).
    pub source_path: Option<String>,
    /// Prefixes separated by `:` removed from the profile's paths.
    pub trim_path: Option<String>,
}

/// `list`: the functions matching `regex`, with their sources.
#[derive(Clone, Debug)]
pub struct ListRequest {
    pub regex: String,
    pub selection: Selection,
    pub sources: SourceOptions,
    pub output: Output,
}

/// `folded` (no bases: `selection.bases` is ignored).
#[derive(Clone, Debug)]
pub struct FoldedRequest {
    pub selection: Selection,
    pub nodes: NodeOptions,
    pub output: Option<PathBuf>,
}

/// `flame`: a flame graph, differential against `against` when given.
#[derive(Clone, Debug)]
pub struct FlameRequest {
    pub selection: Selection,
    pub nodes: NodeOptions,
    pub against: Vec<String>,
    /// Frames narrower than this many pixels are left out.
    pub min_width: f64,
    /// `-` is standard output.
    pub output: PathBuf,
}

/// Output formats of `graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Svg,
    Png,
}

/// `graph`. The options' sample index is set once the profiles are read.
#[derive(Clone, Debug)]
pub struct GraphRequest {
    pub selection: Selection,
    pub options: GraphOptions,
    pub format: GraphFormat,
    pub output: Option<PathBuf>,
}

/// When to colour terminal output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// What `diff`, `trend` and `watch` share: each profile read on its own
/// (no bases), reduced to node values and compared.
#[derive(Clone, Debug)]
pub struct Compare {
    pub sample: SampleRequest,
    pub nodes: NodeOptions,
    pub filters: FilterSpec,
    /// Compare cum instead of flat.
    pub cum: bool,
    /// Rows shown (0: all).
    pub nodecount: usize,
    pub color: Color,
    pub input: InputOptions,
}

/// `diff BASE NEW`.
#[derive(Clone, Debug)]
pub struct DiffRequest {
    pub base: String,
    pub new: String,
    pub compare: Compare,
    pub output: Output,
}

/// `trend`: snapshots, or folders of them.
#[derive(Clone, Debug)]
pub struct TrendRequest {
    pub profiles: Vec<String>,
    /// Keep argument order even when the snapshots record times.
    pub keep_order: bool,
    /// Project when the total and each node reach this size.
    pub limit: Option<i64>,
    pub compare: Compare,
    pub output: Output,
}

/// `watch URL`: scrape, save, and print the running trend.
#[derive(Clone, Debug)]
pub struct WatchRequest {
    pub url: String,
    pub every: Duration,
    /// Stop after this many scrapes (None: until interrupted).
    pub count: Option<u64>,
    /// Folder for the snapshots.
    pub dir: PathBuf,
    pub compare: Compare,
    /// The format and unit (a watch prints to standard output).
    pub output: Output,
}

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
    Markdown,
    Junit,
    /// GitHub Actions annotations (`::error file=...::`).
    Github,
}

/// `check [BASE] NEW`: the CI gate.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    /// NEW alone, or BASE and NEW.
    pub profiles: Vec<String>,
    /// At least one; the growth rules need BASE.
    pub rules: Vec<Rule>,
    /// Fail on any value over its limit, even within the sampling noise.
    pub strict: bool,
    pub sample: SampleRequest,
    pub nodes: NodeOptions,
    pub filters: FilterSpec,
    pub input: InputOptions,
    pub format: CheckFormat,
    /// The report in `format` goes here (the summary still to standard
    /// output); `-` prints the report instead of the summary.
    pub output: Option<PathBuf>,
}

/// `info`: one summary per profile.
#[derive(Clone, Debug)]
pub struct InfoRequest {
    pub profiles: Vec<String>,
    pub input: InputOptions,
    pub format: Format,
    pub output: Option<PathBuf>,
}

/// `convert`: merge and write gzip'd profile.proto.
#[derive(Clone, Debug)]
pub struct ConvertRequest {
    pub profiles: Vec<String>,
    pub input: InputOptions,
    pub output: PathBuf,
}

/// `symbolize`: symbolize one profile and write it.
#[derive(Clone, Debug)]
pub struct SymbolizeRequest {
    pub profile: String,
    pub input: InputOptions,
    /// Fail on any location left unresolved or any suspect binary.
    pub strict: bool,
    pub output: PathBuf,
}

/// What the interactive page shows (`report` and `web`): a
/// [`Selection`] with the granularity and the Source view's
/// [`SourceOptions`], field by field.
#[derive(Clone, Debug)]
pub struct PageRequest {
    pub profiles: Vec<String>,
    pub sample: SampleRequest,
    pub nodes: NodeOptions,
    pub base: Bases,
    pub filters: FilterSpec,
    pub source_path: Option<String>,
    pub trim_path: Option<String>,
    pub input: InputOptions,
}

/// `web`: serve the page.
#[derive(Clone, Debug)]
pub struct WebRequest {
    pub page: PageRequest,
    /// `HOST:PORT` or `:PORT`.
    pub http: String,
    /// Open a browser.
    pub open: bool,
}
