//! Command-line flags (clap). The only module that knows clap: it turns
//! flags into the plain option structs of the library.

use crate::aggregate::{Granularity, NodeOptions};
use crate::report::TopOptions;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "heapscope",
    version = env!("HEAPSCOPE_VERSION"),
    about = "A fast, pprof-compatible heap profile analyzer for the terminal and for CI",
    after_help = "Exit codes: 0 success, 1 a check failed, 2 error (bad input, bad flags)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The nodes that hold the most memory, exactly as `go tool pprof -top` prints them.
    Top(TopArgs),
    /// Every sample's stack with its value and labels, as `pprof -traces`.
    Traces(TracesArgs),
    /// Each node with its callers above and callees below, as `pprof -tree`.
    Tree(TreeArgs),
    /// The tree entries of the nodes matching REGEX, untrimmed, as `pprof -peek`.
    Peek(PeekArgs),
    /// The label histogram (e.g. the allocation sizes of a Go heap profile), as `pprof -tags`.
    Tags(TagsArgs),
    /// Folded stacks (`root;caller;leaf value`) for flame graph tools.
    Folded(FoldedArgs),
    /// A self-contained, interactive SVG flame graph; with --base, a differential one.
    Flame(FlameArgs),
    /// Compare two profiles node by node: base, new, delta, NEW/GONE.
    Diff(DiffArgs),
    /// Gate CI on heap growth: exit 1 when a rule is violated.
    Check(CheckArgs),
    /// Rank leak suspects across a series of snapshots of one process.
    Trend(TrendArgs),
    /// Scrape a live profile repeatedly, keep the snapshots in a folder,
    /// and print the running trend after each scrape.
    Watch(WatchArgs),
    /// Source lines of the functions matching REGEX, annotated with flat
    /// and cum (pprof -list).
    List(ListArgs),
    /// Summarize profiles: format, producer, sample types, period, counts,
    /// mappings, Go MemStats.
    Info(InfoArgs),
    /// Merge profiles (any readable format) into one gzip'd profile.proto.
    Convert(ConvertArgs),
    /// Symbolize an address-only profile with its binaries and write it as
    /// profile.proto, readable without the binaries.
    Symbolize(SymbolizeArgs),
    /// The call graph: DOT exactly as `pprof -dot`, or an SVG/PNG laid out
    /// in-process (no Graphviz needed).
    Graph(GraphArgs),
    /// One self-contained interactive HTML page (top, flame graph, peek;
    /// diff and trend with several profiles); no network request.
    Report(ReportArgs),
    /// Serve the interactive page on loopback (pprof's -http).
    Web(WebArgs),
    /// go tool pprof's command line, printing what pprof prints:
    /// `heapscope pprof -top -nodecount=20 heap.pb.gz` (`-h` for the list).
    #[command(disable_help_flag = true)]
    Pprof(PprofCmd),
    /// Print a shell completion script to stdout (see README, Install).
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout: heapscope's, or one command's.
    Man(ManArgs),
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// A command (e.g. `top`) for its own page, `heapscope-COMMAND(1)`.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// `heapscope pprof ARGS`: the arguments go to `pprof_cli` untouched.
#[derive(Args, Debug)]
pub struct PprofCmd {
    /// go tool pprof's flags, an optional binary, and the profiles.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    pub args: Vec<String>,
}

/// What the interactive page shows (`report` and `web`). One profile, or
/// several merged; with two profiles (or --diff-base) a Diff view, with
/// two or more a Trend view (oldest first).
#[derive(Args, Debug, Clone)]
pub struct PageArgs {
    /// Profiles to read (paths, URLs, or - for standard input).
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,

    #[command(flatten)]
    pub base: BaseArgs,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Source view: where to look for sources, as for `list`.
    #[arg(long, value_name = "DIRS")]
    pub source_path: Option<String>,

    /// Source view: prefixes to remove from source paths, as for `list`.
    #[arg(long, value_name = "PREFIXES")]
    pub trim_path: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub page: PageArgs,

    /// Where to write the HTML page (written atomically).
    #[arg(short = 'o', long, value_name = "FILE.html")]
    pub output: std::path::PathBuf,
}

#[derive(Args, Debug)]
pub struct WebArgs {
    #[command(flatten)]
    pub page: PageArgs,

    /// Address to listen on (default: loopback, a free port). A
    /// non-loopback address serves the profile to the network and is
    /// warned about.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:0")]
    pub http: String,

    /// Open the page in a browser ($BROWSER, else xdg-open).
    #[arg(long)]
    pub open: bool,
}

#[derive(Args, Debug)]
pub struct InfoArgs {
    /// Profiles to summarize (paths, or - for standard input), each on its own.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub out: OutputArg,
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "IN", required = true)]
    pub profiles: Vec<String>,

    /// Where to write the gzip'd profile.proto (written atomically).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "OUT.pb.gz",
        required = true
    )]
    pub output: std::path::PathBuf,

    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct SymbolizeArgs {
    /// The profile to symbolize.
    #[arg(value_name = "PROFILE")]
    pub profile: String,

    /// Where to write the symbolized profile (gzip profile.proto).
    #[arg(short, long, value_name = "OUT")]
    pub output: std::path::PathBuf,

    /// Fail (exit 2, nothing written) if any location stays unresolved or
    /// a binary may not belong to its mapping.
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub input: InputArgs,
}

/// `-o/--output` of the commands that print a report.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArg {
    /// Write the report to FILE (atomically) instead of standard output;
    /// `-` is standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Options shared by every command that reads profiles.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Refuse inputs larger than this once decompressed (bytes, or with a
    /// unit: 512MB, 2GiB).
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub max_input_size: u64,

    /// For http(s) profiles: give up after this many seconds (default 60,
    /// or 1.5 × --seconds + 5).
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    pub timeout: Option<f64>,

    /// For http(s) profiles: ask for a delta profile over N seconds (adds
    /// `seconds=N` to the query, as Go's net/http/pprof expects).
    #[arg(long, value_name = "N")]
    pub seconds: Option<u64>,

    /// Symbolization mode: `auto` symbolizes mappings that have no
    /// functions, `force` redoes them all, `none` reads profiles as they are.
    #[arg(long, value_name = "MODE", default_value = "auto")]
    pub symbolize: String,

    /// A binary (or debug file) to symbolize with; repeatable. Matched to
    /// mappings by GNU build ID, then by file name; the first one also
    /// stands for the main binary. HEAPSCOPE_BINARY_PATH and
    /// PPROF_BINARY_PATH name folders searched too.
    #[arg(long = "binary", value_name = "PATH")]
    pub binaries: Vec<std::path::PathBuf>,

    /// Symbolize mappings that already have functions again.
    #[arg(long)]
    pub force_symbolize: bool,

    /// How to demangle C++ and Rust names: `default` (simplified, as
    /// pprof), `full`, or `none` (names as in the binary).
    #[arg(long, value_enum, value_name = "STYLE", default_value = "default")]
    pub demangle: DemangleArg,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemangleArg {
    None,
    Full,
    Default,
}

impl InputArgs {
    /// The symbolization options, except the search path (which the app
    /// reads from the environment).
    pub fn symbolize_options(&self) -> Result<crate::symbolize::Options, String> {
        use crate::symbolize::{DemangleStyle, Mode, Options};
        let mode = match self.symbolize.as_str() {
            "none" | "no" => Mode::None,
            "force" => Mode::Force,
            "auto" | "local" if self.force_symbolize => Mode::Force,
            "auto" | "local" => Mode::Auto,
            m => {
                return Err(format!(
                    "--symbolize={m}: expected `auto`, `force` or `none`"
                ));
            }
        };
        Ok(Options {
            mode,
            demangle: match self.demangle {
                DemangleArg::None => DemangleStyle::None,
                DemangleArg::Full => DemangleStyle::Full,
                DemangleArg::Default => DemangleStyle::Default,
            },
            binaries: self.binaries.clone(),
            ..Options::default()
        })
    }
}

/// Which sample type to report, with pprof's names.
#[derive(Args, Debug, Clone, Default)]
pub struct SampleArgs {
    /// Sample type to report, by name (inuse_space, alloc_objects, ...) or
    /// index. Default: the profile's default_sample_type, else the last type.
    #[arg(long, value_name = "NAME|N")]
    pub sample_index: Option<String>,
    /// Same as --sample-index=inuse_space.
    #[arg(long)]
    pub inuse_space: bool,
    /// Same as --sample-index=inuse_objects.
    #[arg(long)]
    pub inuse_objects: bool,
    /// Same as --sample-index=alloc_space.
    #[arg(long)]
    pub alloc_space: bool,
    /// Same as --sample-index=alloc_objects.
    #[arg(long)]
    pub alloc_objects: bool,
}

impl SampleArgs {
    /// The requested sample index ("" = default) and warnings for ignored
    /// selections, in pprof's precedence order.
    pub fn resolve(&self) -> (String, Vec<String>) {
        let mut chosen: Option<String> = self.sample_index.clone();
        let mut warnings = Vec::new();
        for (on, name) in [
            (self.inuse_space, "inuse_space"),
            (self.inuse_objects, "inuse_objects"),
            (self.alloc_space, "alloc_space"),
            (self.alloc_objects, "alloc_objects"),
        ] {
            if !on {
                continue;
            }
            if chosen.is_some() {
                warnings.push(format!(
                    "Multiple value selections, ignoring --{}",
                    name.replace('_', "-")
                ));
            } else {
                chosen = Some(name.to_string());
            }
        }
        (chosen.unwrap_or_default(), warnings)
    }
}

/// pprof's `-base` / `-diff_base`.
#[derive(Args, Debug, Clone, Default)]
pub struct BaseArgs {
    /// Subtract this profile (repeatable): values are PROFILE - BASE and
    /// percentages are of the difference (pprof's -base).
    #[arg(long, value_name = "BASE", conflicts_with = "diff_base")]
    pub base: Vec<String>,
    /// Compare against this profile (repeatable): values are PROFILE - BASE
    /// and percentages are of the base total (pprof's -diff_base).
    #[arg(long, value_name = "BASE")]
    pub diff_base: Vec<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GranularityArg {
    Functions,
    Filefunctions,
    Files,
    Lines,
    Addresses,
}

/// Report formats: `text` and `json` everywhere, `csv` and `markdown`
/// for the reports that are a table (top, diff, trend).
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Csv,
    Markdown,
}

impl Format {
    /// The error for a table format asked of a report that is no table.
    pub fn no_table(self, command: &str) -> String {
        format!(
            "--format {}: {command} is not a table; use text or json",
            match self {
                Format::Csv => "csv",
                Format::Markdown => "markdown",
                Format::Text => "text",
                Format::Json => "json",
            }
        )
    }
}

/// How profile locations become report rows.
#[derive(Args, Debug, Clone)]
pub struct NodeArgs {
    /// What a row stands for.
    #[arg(long, value_enum, default_value = "functions")]
    pub granularity: GranularityArg,
    /// Attribute inlined frames to their first out-of-line caller.
    #[arg(long)]
    pub no_inlines: bool,
}

impl NodeArgs {
    pub fn to_options(&self) -> NodeOptions {
        NodeOptions {
            granularity: match self.granularity {
                GranularityArg::Functions => Granularity::Functions,
                GranularityArg::Filefunctions => Granularity::FileFunctions,
                GranularityArg::Files => Granularity::Files,
                GranularityArg::Lines => Granularity::Lines,
                GranularityArg::Addresses => Granularity::Addresses,
            },
            inlines: !self.no_inlines,
        }
    }
}

/// pprof's sample filters, applied to the profile before any report, in
/// pprof's order: focus/ignore/hide/show, show-from, tagfocus/tagignore,
/// tagshow/taghide, prune-from.
#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Keep only samples with a frame matching this regex (function name,
    /// file name or binary).
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub focus: Option<String>,
    /// Drop samples with a frame matching this regex.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub ignore: Option<String>,
    /// Remove frames matching this regex from every stack.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub hide: Option<String>,
    /// Keep only frames matching this regex in every stack.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub show: Option<String>,
    /// Drop the frames above (rootward of) the highest frame matching this regex.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub show_from: Option<String>,
    /// Drop the frames below (leafward of) the lowest frame matching this regex.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub prune_from: Option<String>,
    /// Keep only samples with a matching label: `[KEY=]REGEX[,REGEX...]`, or
    /// a numeric range such as `64kb:1mb`, `bytes=1kB:`, `:512` (inclusive).
    #[arg(long, value_name = "[KEY=]VALUE", help_heading = "Filters")]
    pub tagfocus: Option<String>,
    /// Drop samples with a matching label (same syntax as --tagfocus).
    #[arg(long, value_name = "[KEY=]VALUE", help_heading = "Filters")]
    pub tagignore: Option<String>,
    /// Keep only the label keys matching this regex.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub tagshow: Option<String>,
    /// Remove the label keys matching this regex.
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub taghide: Option<String>,
}

impl FilterArgs {
    pub fn to_spec(&self) -> crate::filter::FilterSpec {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        crate::filter::FilterSpec {
            focus: s(&self.focus),
            ignore: s(&self.ignore),
            hide: s(&self.hide),
            show: s(&self.show),
            show_from: s(&self.show_from),
            prune_from: s(&self.prune_from),
            tagfocus: s(&self.tagfocus),
            tagignore: s(&self.tagignore),
            tagshow: s(&self.tagshow),
            taghide: s(&self.taghide),
        }
    }
}

#[derive(Args, Debug)]
pub struct TopArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,

    #[command(flatten)]
    pub base: BaseArgs,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Sort by cum instead of flat.
    #[arg(long)]
    pub cum: bool,

    /// Show at most N nodes (0: no limit).
    #[arg(long, value_name = "N")]
    pub nodecount: Option<usize>,

    /// Hide nodes whose cum is below this fraction of the total.
    #[arg(long, value_name = "F", default_value_t = 0.005)]
    pub nodefraction: f64,

    /// Show every node: no node count limit and no fraction cut-offs
    /// (pprof's -trim=false).
    #[arg(long)]
    pub no_trim: bool,

    /// Output unit: minimum (one unit for the report), auto (each value
    /// scaled on its own), or a unit such as B, kB, MB, GB.
    #[arg(long, default_value = "minimum", value_parser = crate::units::parse_output_unit)]
    pub unit: String,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub out: OutputArg,
}

impl TopArgs {
    /// The report options, except the sample index (which needs the
    /// profile).
    pub fn to_options(&self) -> TopOptions {
        let mut o = TopOptions {
            nodes: self.nodes.to_options(),
            cum: self.cum,
            nodecount: self.nodecount.unwrap_or(0),
            nodefraction: self.nodefraction,
            unit: self.unit.clone(),
            ..TopOptions::default()
        };
        if self.no_trim {
            o.no_trim();
        }
        o
    }
}

/// Output formats of `diff`, `trend` and `watch`: the one [`Format`].
pub type TableFormat = Format;

/// Output formats of `check`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
    Markdown,
    Junit,
    /// GitHub Actions annotations (`::error file=...::`).
    Github,
}

/// When to colour terminal output.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The profile to compare against.
    #[arg(value_name = "BASE")]
    pub base: String,
    /// The profile to compare.
    #[arg(value_name = "NEW")]
    pub new: String,

    #[command(flatten)]
    pub common: CompareArgs,

    #[command(flatten)]
    pub out: OutputArg,
}

/// The flags `diff`, `trend` and `watch` share: which values to compare,
/// filters, how many rows, and how to print them.
#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Compare cum values instead of flat.
    #[arg(long)]
    pub cum: bool,

    /// Show at most N nodes (0: all); the rows left out are counted.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub nodecount: usize,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: TableFormat,

    /// Colour the text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,

    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// BASE and NEW, or NEW alone: the rules about growth need BASE; --budget and
    /// --max-total work on NEW alone.
    #[arg(value_name = "PROFILE", num_args = 1..=2, required = true)]
    pub profiles: Vec<String>,

    /// The total may grow by at most PCT percent of BASE's total (`10%`).
    #[arg(long, value_name = "PCT", value_parser = parse_pct_arg)]
    pub max_increase: Option<f64>,

    /// The total may grow by at most SIZE.
    #[arg(long, value_name = "SIZE", value_parser = parse_size_arg)]
    pub max_increase_bytes: Option<i64>,

    /// No node's flat value may grow by more than SIZE.
    #[arg(long, value_name = "SIZE", value_parser = parse_size_arg)]
    pub max_node_increase: Option<i64>,

    /// 'REGEX<=SIZE': the memory of stacks through nodes matching REGEX, in
    /// NEW, is at most SIZE (repeatable).
    #[arg(long, value_name = "REGEX<=SIZE", value_parser = parse_budget_arg)]
    pub budget: Vec<crate::report::check::Rule>,

    /// NEW's total is at most SIZE.
    #[arg(long, value_name = "SIZE", value_parser = parse_size_arg)]
    pub max_total: Option<i64>,

    /// Fail on any value over its limit, even within the sampling noise.
    #[arg(long)]
    pub strict: bool,

    /// Report format (text is the human summary).
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,

    /// Write the report (in --format) to FILE, atomically; the summary
    /// still goes to standard output. `-` prints the report on standard
    /// output instead of the summary.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub input: InputArgs,
}

impl CheckArgs {
    /// The rules, in a fixed order.
    pub fn rules(&self) -> Vec<crate::report::check::Rule> {
        use crate::report::check::Rule;
        let mut r = Vec::new();
        if let Some(p) = self.max_increase {
            r.push(Rule::MaxIncreasePct(p));
        }
        if let Some(v) = self.max_increase_bytes {
            r.push(Rule::MaxIncrease(v));
        }
        if let Some(v) = self.max_node_increase {
            r.push(Rule::MaxNodeIncrease(v));
        }
        r.extend(self.budget.iter().cloned());
        if let Some(v) = self.max_total {
            r.push(Rule::MaxTotal(v));
        }
        r
    }
}

fn parse_pct_arg(s: &str) -> Result<f64, String> {
    crate::report::check::parse_pct(s).map_err(|e| e.0)
}

fn parse_size_arg(s: &str) -> Result<i64, String> {
    crate::report::check::parse_size(s).map_err(|e| e.0)
}

fn parse_budget_arg(s: &str) -> Result<crate::report::check::Rule, String> {
    crate::report::check::parse_budget(s).map_err(|e| e.0)
}

#[derive(Args, Debug)]
pub struct TrendArgs {
    /// Snapshots of one process, or a folder of them (what `watch`
    /// writes). Put in time order when every snapshot records its time.
    #[arg(value_name = "SNAPSHOT", num_args = 1.., required = true)]
    pub profiles: Vec<String>,

    /// Keep the snapshots in argument order, even when they record times.
    #[arg(long)]
    pub keep_order: bool,

    /// Project when the total and each growing node reach SIZE at the
    /// fitted rate (needs snapshots that record their time).
    #[arg(long, value_name = "SIZE", value_parser = parse_size_arg)]
    pub limit: Option<i64>,

    #[command(flatten)]
    pub common: CompareArgs,

    #[command(flatten)]
    pub out: OutputArg,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Regex on function names to list.
    #[arg(value_name = "REGEX")]
    pub regex: String,

    /// Profiles to read (paths, URLs, or - for standard input); several are
    /// merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    /// Where to look for sources: folders separated by `:` (default: the
    /// current folder); relative paths are also tried in their parents.
    #[arg(long, value_name = "DIRS")]
    pub source_path: Option<String>,

    /// Prefixes (separated by `:`) to remove from the source paths in the
    /// profile before searching --source-path.
    #[arg(long, value_name = "PREFIXES")]
    pub trim_path: Option<String>,

    #[command(flatten)]
    pub common: ReportInput,
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// The live profile, such as http://127.0.0.1:6060/debug/pprof/heap.
    #[arg(value_name = "URL")]
    pub url: String,

    /// Time between scrapes: 500ms, 30s, 1m, 1h.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub every: std::time::Duration,

    /// Stop after N scrapes (default: run until interrupted).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,

    /// Folder for the snapshots (created if missing).
    #[arg(long, value_name = "DIR", default_value = "heapscope-watch")]
    pub dir: std::path::PathBuf,

    #[command(flatten)]
    pub common: CompareArgs,
}

/// A duration: a number with `ms`, `s`, `m` or `h` (`500ms`, `30s`,
/// `1.5m`); a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected a duration such as 500ms, 30s or 1m"))?;
    let mult = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        u => return Err(format!("{s:?}: unknown unit {u:?} (ms, s, m or h)")),
    };
    let secs = n * mult;
    if !(secs.is_finite() && secs > 0.0 && secs < 1e9) {
        return Err(format!("{s:?}: expected a positive duration"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    parse_duration(s).map(|d| d.as_secs_f64())
}

/// Options common to the reports that read profiles and filter them.
#[derive(Args, Debug, Clone)]
pub struct ReportInput {
    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub base: BaseArgs,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Output unit: minimum, auto, or a unit such as B, kB, MB, GB.
    #[arg(long, default_value = "minimum", value_parser = crate::units::parse_output_unit)]
    pub unit: String,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug)]
pub struct TracesArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub nodes: NodeArgs,

    #[command(flatten)]
    pub common: ReportInput,

    #[command(flatten)]
    pub out: OutputArg,
}

#[derive(Args, Debug)]
pub struct TreeArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub nodes: NodeArgs,

    /// Sort by cum instead of flat.
    #[arg(long)]
    pub cum: bool,

    /// Show at most N nodes (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 80)]
    pub nodecount: usize,

    /// Hide nodes whose cum is below this fraction of the total.
    #[arg(long, value_name = "F", default_value_t = 0.005)]
    pub nodefraction: f64,

    /// Hide edges whose weight is below this fraction of the total.
    #[arg(long, value_name = "F", default_value_t = 0.001)]
    pub edgefraction: f64,

    /// Show every node and edge (pprof's -trim=false).
    #[arg(long)]
    pub no_trim: bool,

    #[command(flatten)]
    pub common: ReportInput,

    #[command(flatten)]
    pub out: OutputArg,
}

#[derive(Args, Debug)]
pub struct PeekArgs {
    /// Regex on node names (as printed) to show.
    #[arg(value_name = "REGEX")]
    pub regex: String,

    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub nodes: NodeArgs,

    /// Sort by cum instead of flat.
    #[arg(long)]
    pub cum: bool,

    #[command(flatten)]
    pub common: ReportInput,

    #[command(flatten)]
    pub out: OutputArg,
}

#[derive(Args, Debug)]
pub struct TagsArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub common: ReportInput,

    #[command(flatten)]
    pub out: OutputArg,
}

#[derive(Args, Debug)]
pub struct FoldedArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub out: OutputArg,
}

#[derive(Args, Debug)]
pub struct FlameArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    /// Where to write the SVG (atomically); `-` is standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: std::path::PathBuf,

    /// Draw a differential flame graph against this profile (repeatable):
    /// widths are PROFILE's values; red frames grew, blue ones shrank.
    #[arg(long, value_name = "BASE")]
    pub base: Vec<String>,

    /// Leave out frames narrower than this many pixels.
    #[arg(long, value_name = "PX", default_value_t = 0.1)]
    pub min_width: f64,

    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,

    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub input: InputArgs,
}

pub use crate::units::parse_size;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_selection_precedence() {
        let a = SampleArgs {
            alloc_space: true,
            inuse_objects: true,
            ..Default::default()
        };
        let (s, w) = a.resolve();
        assert_eq!(s, "inuse_objects");
        assert_eq!(w.len(), 1);
    }
}

/// Output formats of `graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT, as `go tool pprof -dot` prints it.
    Dot,
    /// An SVG laid out in-process.
    Svg,
    /// A PNG of the SVG.
    Png,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub nodes: NodeArgs,

    /// Show at most N nodes (tag boxes count as nodes; 0: no limit).
    #[arg(long, value_name = "N", default_value_t = 80)]
    pub nodecount: usize,

    /// Hide nodes whose cum is below this fraction of the total.
    #[arg(long, value_name = "F", default_value_t = 0.005)]
    pub nodefraction: f64,

    /// Hide edges whose weight is below this fraction of the total.
    #[arg(long, value_name = "F", default_value_t = 0.001)]
    pub edgefraction: f64,

    /// Show every node and edge (pprof's -trim=false).
    #[arg(long)]
    pub no_trim: bool,

    /// Output format; default: from the -o file's extension, else dot.
    #[arg(long, value_enum)]
    pub format: Option<GraphFormat>,

    /// Write to FILE (atomically) instead of standard output; - is stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub base: BaseArgs,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Output unit: minimum, auto, or a unit such as B, kB, MB, GB.
    #[arg(long, default_value = "minimum", value_parser = crate::units::parse_output_unit)]
    pub unit: String,

    #[command(flatten)]
    pub input: InputArgs,
}

/// The hint for a command line written for `go tool pprof`, shown instead
/// of clap's message when parsing fails: a pprof-style flag
/// (`-sample_index=alloc_space`, `-trim=false`) is named with heapscope's
/// spelling, and `heapscope BINARY PROFILE` is pointed to a command and to
/// `heapscope pprof`. `args` excludes the program name.
pub fn pprof_hint(args: &[String]) -> Option<String> {
    for a in args {
        if a == "--" {
            break;
        }
        let Some(flag) = a.strip_prefix('-') else {
            continue;
        };
        if flag.starts_with('-') || flag.chars().count() < 2 {
            continue;
        }
        if !flag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (flag, None),
        };
        let ours = match (name, value) {
            ("trim", Some("false" | "0" | "f" | "F" | "FALSE" | "False")) => "--no-trim".into(),
            ("noinlines", _) => "--no-inlines".into(),
            ("functions" | "filefunctions" | "files" | "lines" | "addresses", _) => {
                format!("--granularity {name}")
            }
            (
                "top" | "traces" | "tree" | "peek" | "tags" | "list" | "dot" | "svg" | "png"
                | "raw" | "proto" | "callgrind" | "http",
                _,
            ) => format!("the `{}` command", pprof_command(name)),
            (_, Some(v)) => format!("--{} {v}", name.replace('_', "-")),
            (_, None) => format!("--{}", name.replace('_', "-")),
        };
        return Some(format!(
            "`{a}` is go tool pprof's spelling: heapscope's is {ours} \
             (or run pprof's whole command line as `heapscope pprof ...`)"
        ));
    }
    let first = args.first()?;
    if !first.starts_with('-') && std::path::Path::new(first).is_file() {
        let profiles = if args.len() > 1 { &args[1..] } else { args };
        return Some(format!(
            "heapscope takes a command first: `heapscope top {rest}`; for pprof's \
             `BINARY PROFILE` form, `heapscope pprof -top {all}`",
            rest = profiles.join(" "),
            all = args.join(" "),
        ));
    }
    None
}

/// heapscope's command for a pprof report flag.
fn pprof_command(flag: &str) -> &'static str {
    match flag {
        "top" => "top",
        "traces" => "traces",
        "tree" => "tree",
        "peek" => "peek",
        "tags" => "tags",
        "list" => "list",
        "dot" | "svg" | "png" => "graph",
        "raw" | "proto" => "convert",
        "http" => "web",
        _ => "pprof",
    }
}

#[cfg(test)]
mod hint_tests {
    use super::pprof_hint;

    fn hint(args: &[&str]) -> Option<String> {
        pprof_hint(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn pprof_flags_get_heapscope_names() {
        let h = hint(&["top", "-sample_index=alloc_space", "x.pb.gz"]).unwrap();
        assert!(h.contains("--sample-index alloc_space"), "{h}");
        assert!(h.contains("heapscope pprof"), "{h}");
        assert!(
            hint(&["tree", "-trim=false"])
                .unwrap()
                .contains("--no-trim")
        );
        assert!(hint(&["-top", "x"]).unwrap().contains("the `top` command"));
        assert!(
            hint(&["top", "-lines", "x"])
                .unwrap()
                .contains("--granularity lines")
        );
        // heapscope's own flags get no hint.
        assert_eq!(hint(&["top", "--nodecount", "5", "-o", "out"]), None);
        assert_eq!(hint(&["top", "--", "-weird_name"]), None);
    }
}
