//! The command line (clap): the only module that knows clap, and part of
//! the binary, not of the library. Flag groups shared by several commands
//! are flattened into each; every command's flags become one plain
//! request of [`heapscope::options`], which [`run`] hands to
//! [`heapscope::app`]. Checks that are about the flags themselves (a table
//! format asked of a report that is no table, a check without rules) live
//! here too, so that the library's errors need not name flags.

mod hint;

pub use hint::pprof_hint;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use heapscope::aggregate::{Granularity, NodeOptions};
use heapscope::app::{self, Outcome};
use heapscope::filter::FilterSpec;
use heapscope::graph::GraphOptions;
use heapscope::options::{
    self as o, Bases, Compare, InputOptions, Output, SampleRequest, Selection, SourceOptions,
};
use heapscope::report::TopOptions;
use heapscope::report::check::{self, Rule};
use heapscope::report::tree::TreeOptions;
use heapscope::symbolize::{self, DemangleStyle};
use heapscope::units::{number_and_unit, parse_output_unit, parse_size};
use std::io::IsTerminal;
use std::path::PathBuf;

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

/// Runs a command of the library with the request its flags make.
/// `completions` and `man` are the binary's own (src/main.rs).
pub fn run(cmd: Command) -> Result<Outcome> {
    match cmd {
        Command::Top(a) => app::top(a.request()),
        Command::Traces(a) => app::traces(o::ReportRequest {
            nodes: a.nodes.options(),
            ..a.common.request(a.profiles, a.out, "traces")?
        }),
        Command::Tree(a) => app::tree(a.request()?),
        Command::Peek(a) => app::tree(a.request()?),
        Command::Tags(a) => app::tags(a.common.request(a.profiles, a.out, "tags")?),
        Command::Folded(a) => app::folded(o::FoldedRequest {
            nodes: a.view.nodes.options(),
            selection: a.view.selection(a.profiles, a.input),
            output: a.out.output,
        }),
        Command::Flame(a) => app::flame(o::FlameRequest {
            nodes: a.view.nodes.options(),
            selection: a.view.selection(a.profiles, a.input),
            against: a.base,
            min_width: a.min_width,
            output: a.output,
        }),
        Command::Diff(a) => {
            let (compare, output) = a.common.request(a.out);
            app::diff(o::DiffRequest {
                base: a.base,
                new: a.new,
                compare,
                output,
            })
        }
        Command::Check(a) => app::check(a.request()?),
        Command::Trend(a) => {
            let (compare, output) = a.common.request(a.out);
            app::trend(o::TrendRequest {
                profiles: a.profiles,
                keep_order: a.keep_order,
                limit: a.limit,
                compare,
                output,
            })
        }
        Command::Watch(a) => {
            let (compare, output) = a.common.request(OutputArg::default());
            app::watch(o::WatchRequest {
                url: a.url,
                every: a.every,
                count: a.count,
                dir: a.dir,
                compare,
                output,
            })
        }
        Command::List(a) => {
            let r = a.common.request(a.profiles, a.out, "list")?;
            app::list(o::ListRequest {
                regex: a.regex,
                selection: r.selection,
                sources: SourceOptions {
                    source_path: a.source_path,
                    trim_path: a.trim_path,
                },
                output: r.output,
            })
        }
        Command::Info(a) => {
            no_table(a.format, "info")?;
            app::info(o::InfoRequest {
                profiles: a.profiles,
                input: a.input.options(),
                format: a.format.into(),
                output: a.out.output,
            })
        }
        Command::Convert(a) => app::convert(o::ConvertRequest {
            profiles: a.profiles,
            input: a.input.options(),
            output: a.output,
        }),
        Command::Symbolize(a) => app::symbolize(o::SymbolizeRequest {
            profile: a.profile,
            input: a.input.options(),
            strict: a.strict,
            output: a.output,
        }),
        Command::Graph(a) => app::graph(a.request()?),
        Command::Report(a) => app::report(a.page.request(), &a.output),
        Command::Web(a) => app::web(o::WebRequest {
            page: a.page.request(),
            http: a.http,
            open: a.open,
        }),
        Command::Pprof(a) => app::pprof::run(&a.args),
        Command::Completions(_) | Command::Man(_) => {
            bail!("`completions` and `man` are handled by src/main.rs")
        }
    }
}

/// A clap value enum standing for one of the library's enums, variant for
/// variant (same names), with the conversion.
macro_rules! value_enum {
    ($(#[$m:meta])* $name:ident => $lib:ident { $($(#[$vm:meta])* $v:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vm])* $v),*
        }

        impl From<$name> for $lib {
            fn from(v: $name) -> $lib {
                match v {
                    $($name::$v => $lib::$v),*
                }
            }
        }
    };
}

use o::{CheckFormat, Color, Format, GraphFormat};

value_enum! {
    /// Report formats: `text` and `json` everywhere, `csv` and `markdown`
    /// for the reports that are a table (top, diff, trend).
    FormatArg => Format { Text, Json, Csv, Markdown }
}

value_enum! {
    /// Output formats of `check`.
    CheckFormatArg => CheckFormat {
        Text,
        Json,
        Markdown,
        Junit,
        /// GitHub Actions annotations (`::error file=...::`).
        Github,
    }
}

value_enum! {
    /// Output formats of `graph`.
    GraphFormatArg => GraphFormat {
        /// Graphviz DOT, as `go tool pprof -dot` prints it.
        Dot,
        /// An SVG laid out in-process.
        Svg,
        /// A PNG of the SVG.
        Png,
    }
}

value_enum! {
    /// When to colour terminal output.
    ColorArg => Color {
        /// On a terminal, unless NO_COLOR is set.
        Auto,
        Always,
        Never,
    }
}

value_enum! {
    /// What a report row stands for.
    GranularityArg => Granularity {
        Functions,
        #[value(name = "filefunctions")]
        FileFunctions,
        Files,
        Lines,
        Addresses,
    }
}

value_enum! {
    /// How to demangle C++ and Rust names.
    DemangleArg => DemangleStyle { None, Full, Default }
}

/// `--symbolize`: which mappings to symbolize.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolizeArg {
    #[value(alias = "local")]
    Auto,
    Force,
    #[value(alias = "no")]
    None,
}

/// The error for a table format asked of a report that is no table.
fn no_table(format: FormatArg, command: &str) -> Result<()> {
    let f = Format::from(format);
    if f.is_table() {
        bail!(
            "--format {}: {command} is not a table; use text or json",
            f.name()
        );
    }
    Ok(())
}

/// The request for the profiles and the flag groups that choose what to
/// read of them.
fn selection(
    profiles: Vec<String>,
    sample: SampleArgs,
    bases: Bases,
    filters: FilterArgs,
    input: InputArgs,
) -> Selection {
    Selection {
        profiles,
        sample: sample.request(),
        bases,
        filters: filters.spec(),
        input: input.options(),
    }
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
    pub select: SelectArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,

    /// Source view: where to look for sources, as for `list`.
    #[arg(long, value_name = "DIRS")]
    pub source_path: Option<String>,

    /// Source view: prefixes to remove from source paths, as for `list`.
    #[arg(long, value_name = "PREFIXES")]
    pub trim_path: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,
}

impl PageArgs {
    fn request(self) -> o::PageRequest {
        let nodes = self.nodes.options();
        let s = self.select.selection(self.profiles, self.input);
        o::PageRequest {
            profiles: s.profiles,
            sample: s.sample,
            nodes,
            base: s.bases,
            filters: s.filters,
            source_path: self.source_path,
            trim_path: self.trim_path,
            input: s.input,
        }
    }
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub page: PageArgs,

    /// Where to write the HTML page (written atomically).
    #[arg(short = 'o', long, value_name = "FILE.html")]
    pub output: PathBuf,
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
    pub format: FormatArg,

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
    pub output: PathBuf,

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
    pub output: PathBuf,

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
    pub output: Option<PathBuf>,
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
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        default_value = "auto",
        hide_possible_values = true
    )]
    pub symbolize: SymbolizeArg,

    /// A binary (or debug file) to symbolize with; repeatable. Matched to
    /// mappings by GNU build ID, then by file name; the first one also
    /// stands for the main binary. HEAPSCOPE_BINARY_PATH and
    /// PPROF_BINARY_PATH name folders searched too.
    #[arg(long = "binary", value_name = "PATH")]
    pub binaries: Vec<PathBuf>,

    /// Symbolize mappings that already have functions again.
    #[arg(long)]
    pub force_symbolize: bool,

    /// How to demangle C++ and Rust names: `default` (simplified, as
    /// pprof), `full`, or `none` (names as in the binary).
    #[arg(long, value_enum, value_name = "STYLE", default_value = "default")]
    pub demangle: DemangleArg,
}

impl InputArgs {
    /// How to read: the symbolization options except the search path
    /// (which the app reads from the environment).
    fn options(self) -> InputOptions {
        let mode = match self.symbolize {
            SymbolizeArg::None => symbolize::Mode::None,
            SymbolizeArg::Force => symbolize::Mode::Force,
            SymbolizeArg::Auto if self.force_symbolize => symbolize::Mode::Force,
            SymbolizeArg::Auto => symbolize::Mode::Auto,
        };
        InputOptions {
            max_input_size: self.max_input_size,
            timeout: self.timeout,
            seconds: self.seconds,
            symbolize: symbolize::Options {
                mode,
                demangle: self.demangle.into(),
                binaries: self.binaries,
                ..symbolize::Options::default()
            },
        }
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
    fn request(&self) -> SampleRequest {
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
        SampleRequest {
            index: chosen.unwrap_or_default(),
            warnings,
        }
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
    fn options(&self) -> NodeOptions {
        NodeOptions {
            granularity: self.granularity.into(),
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
    fn spec(self) -> FilterSpec {
        let s = Option::unwrap_or_default;
        FilterSpec {
            focus: s(self.focus),
            ignore: s(self.ignore),
            hide: s(self.hide),
            show: s(self.show),
            show_from: s(self.show_from),
            prune_from: s(self.prune_from),
            tagfocus: s(self.tagfocus),
            tagignore: s(self.tagignore),
            tagshow: s(self.tagshow),
            taghide: s(self.taghide),
        }
    }
}

/// Which sample type, against which bases, through which filters: the
/// flags of every command that reads merged profiles (`top`, `traces`,
/// `tree`, `peek`, `tags`, `list`, `graph`, `report`, `web`).
#[derive(Args, Debug, Clone, Default)]
pub struct SelectArgs {
    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub base: BaseArgs,

    #[command(flatten)]
    pub filters: FilterArgs,
}

impl ViewArgs {
    /// The profiles read with this view (no bases).
    fn selection(self, profiles: Vec<String>, input: InputArgs) -> Selection {
        let bases = Bases::default();
        selection(profiles, self.sample, bases, self.filters, input)
    }
}

impl SelectArgs {
    fn selection(self, profiles: Vec<String>, input: InputArgs) -> Selection {
        let bases = Bases {
            base: self.base.base,
            diff_base: self.base.diff_base,
        };
        selection(profiles, self.sample, bases, self.filters, input)
    }
}

/// Which sample type, at which granularity, through which filters: the
/// flags of the commands that read each profile on its own (`diff`,
/// `trend`, `watch`, `check`) and of `folded` and `flame`.
#[derive(Args, Debug, Clone)]
pub struct ViewArgs {
    #[command(flatten)]
    pub sample: SampleArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,

    #[command(flatten)]
    pub filters: FilterArgs,
}

/// The flags of the reports pprof also prints (`top`, `traces`, `tree`,
/// `peek`, `tags`, `list`): what to read, the unit and the format.
#[derive(Args, Debug, Clone)]
pub struct ReportInput {
    #[command(flatten)]
    pub select: SelectArgs,

    /// Output unit: minimum, auto, or a unit such as B, kB, MB, GB.
    #[arg(long, default_value = "minimum", value_parser = parse_output_unit)]
    pub unit: String,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,

    #[command(flatten)]
    pub input: InputArgs,
}

impl ReportInput {
    /// The request of a report that is no table (`command` refuses csv and
    /// markdown); `nodes` is left at its default.
    fn request(
        self,
        profiles: Vec<String>,
        out: OutputArg,
        command: &str,
    ) -> Result<o::ReportRequest> {
        no_table(self.format, command)?;
        Ok(self.table_request(profiles, out))
    }

    /// The request of any report, tables included.
    fn table_request(self, profiles: Vec<String>, out: OutputArg) -> o::ReportRequest {
        o::ReportRequest {
            output: Output {
                format: self.format.into(),
                unit: self.unit,
                path: out.output,
            },
            selection: self.select.selection(profiles, self.input),
            nodes: NodeOptions::default(),
        }
    }
}

#[derive(Args, Debug)]
pub struct TopArgs {
    /// Profiles to read (paths, or - for standard input); several are merged.
    #[arg(value_name = "PROFILE", required = true)]
    pub profiles: Vec<String>,

    #[command(flatten)]
    pub nodes: NodeArgs,

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

    #[command(flatten)]
    pub common: ReportInput,

    #[command(flatten)]
    pub out: OutputArg,
}

impl TopArgs {
    fn request(self) -> o::TopRequest {
        let mut options = TopOptions {
            nodes: self.nodes.options(),
            cum: self.cum,
            nodecount: self.nodecount.unwrap_or(0),
            nodefraction: self.nodefraction,
            unit: self.common.unit.clone(),
            ..TopOptions::default()
        };
        if self.no_trim {
            options.no_trim();
        }
        let r = self.common.table_request(self.profiles, self.out);
        o::TopRequest {
            selection: r.selection,
            options,
            output: r.output,
        }
    }
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
    pub view: ViewArgs,

    /// Compare cum values instead of flat.
    #[arg(long)]
    pub cum: bool,

    /// Show at most N nodes (0: all); the rows left out are counted.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub nodecount: usize,

    /// Output unit: minimum (one unit for the report), auto (each value
    /// scaled on its own), or a unit such as B, kB, MB, GB.
    #[arg(long, default_value = "auto", value_parser = parse_output_unit)]
    pub unit: String,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,

    /// Colour the text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,

    #[command(flatten)]
    pub input: InputArgs,
}

impl CompareArgs {
    fn request(self, out: OutputArg) -> (Compare, Output) {
        let output = Output {
            format: self.format.into(),
            unit: self.unit,
            path: out.output,
        };
        let compare = Compare {
            sample: self.view.sample.request(),
            nodes: self.view.nodes.options(),
            filters: self.view.filters.spec(),
            cum: self.cum,
            nodecount: self.nodecount,
            color: self.color.into(),
            input: self.input.options(),
        };
        (compare, output)
    }
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
    pub budget: Vec<Rule>,

    /// NEW's total is at most SIZE.
    #[arg(long, value_name = "SIZE", value_parser = parse_size_arg)]
    pub max_total: Option<i64>,

    /// Fail on any value over its limit, even within the sampling noise.
    #[arg(long)]
    pub strict: bool,

    /// Report format (text is the human summary).
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormatArg,

    /// Write the report (in --format) to FILE, atomically; the summary
    /// still goes to standard output. `-` prints the report on standard
    /// output instead of the summary.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub input: InputArgs,
}

impl CheckArgs {
    /// The rules, in a fixed order; at least one, and the growth rules
    /// only with BASE.
    fn request(self) -> Result<o::CheckRequest> {
        let mut rules = Vec::new();
        if let Some(p) = self.max_increase {
            rules.push(Rule::MaxIncreasePct(p));
        }
        if let Some(v) = self.max_increase_bytes {
            rules.push(Rule::MaxIncrease(v));
        }
        if let Some(v) = self.max_node_increase {
            rules.push(Rule::MaxNodeIncrease(v));
        }
        rules.extend(self.budget);
        if let Some(v) = self.max_total {
            rules.push(Rule::MaxTotal(v));
        }
        if rules.is_empty() {
            bail!(
                "no rules: give at least one of --max-increase, --max-increase-bytes, \
                 --max-node-increase, --budget, --max-total"
            );
        }
        if self.profiles.len() == 1 {
            if let Some(r) = rules.iter().find(|r| r.needs_base()) {
                bail!("--{} compares two profiles: give BASE and NEW", r.kind());
            }
        }
        Ok(o::CheckRequest {
            profiles: self.profiles,
            rules,
            strict: self.strict,
            sample: self.view.sample.request(),
            nodes: self.view.nodes.options(),
            filters: self.view.filters.spec(),
            input: self.input.options(),
            format: self.format.into(),
            output: self.output,
        })
    }
}

fn parse_pct_arg(s: &str) -> Result<f64, String> {
    check::parse_pct(s).map_err(|e| e.0)
}

fn parse_size_arg(s: &str) -> Result<i64, String> {
    check::parse_size(s).map_err(|e| e.0)
}

fn parse_budget_arg(s: &str) -> Result<Rule, String> {
    check::parse_budget(s).map_err(|e| e.0)
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

    #[command(flatten)]
    pub out: OutputArg,
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
    pub dir: PathBuf,

    #[command(flatten)]
    pub common: CompareArgs,
}

/// A duration: a number with `ms`, `s`, `m` or `h` (`500ms`, `30s`,
/// `1.5m`); a bare number is seconds.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let (num, unit) = number_and_unit(s);
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

impl TreeArgs {
    fn request(self) -> Result<o::TreeRequest> {
        let mut options = TreeOptions {
            report: TopOptions {
                nodes: self.nodes.options(),
                cum: self.cum,
                nodecount: self.nodecount,
                nodefraction: self.nodefraction,
                edgefraction: self.edgefraction,
                ..TopOptions::default()
            },
            symbol: None,
        };
        if self.no_trim {
            options.no_trim();
        }
        let r = self.common.request(self.profiles, self.out, "tree")?;
        Ok(o::TreeRequest {
            selection: r.selection,
            options,
            peek: None,
            output: r.output,
        })
    }
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

impl PeekArgs {
    fn request(self) -> Result<o::TreeRequest> {
        let mut options = TreeOptions {
            report: TopOptions {
                nodes: self.nodes.options(),
                cum: self.cum,
                ..TopOptions::default()
            },
            symbol: None,
        };
        options.no_trim();
        let r = self.common.request(self.profiles, self.out, "peek")?;
        Ok(o::TreeRequest {
            selection: r.selection,
            options,
            peek: Some(self.regex),
            output: r.output,
        })
    }
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
    pub view: ViewArgs,

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
    pub output: PathBuf,

    /// Draw a differential flame graph against this profile (repeatable):
    /// widths are PROFILE's values; red frames grew, blue ones shrank.
    #[arg(long, value_name = "BASE")]
    pub base: Vec<String>,

    /// Leave out frames narrower than this many pixels.
    #[arg(long, value_name = "PX", default_value_t = 0.1)]
    pub min_width: f64,

    #[command(flatten)]
    pub view: ViewArgs,

    #[command(flatten)]
    pub input: InputArgs,
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
    pub format: Option<GraphFormatArg>,

    /// Write to FILE (atomically) instead of standard output; - is stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub select: SelectArgs,

    /// Output unit: minimum, auto, or a unit such as B, kB, MB, GB.
    #[arg(long, default_value = "minimum", value_parser = parse_output_unit)]
    pub unit: String,

    #[command(flatten)]
    pub input: InputArgs,
}

impl GraphArgs {
    /// The format asked for, else the one the output file's extension
    /// names, else DOT.
    fn format(&self) -> Result<GraphFormat> {
        if let Some(f) = self.format {
            return Ok(f.into());
        }
        let ext = self
            .output
            .as_deref()
            .filter(|p| *p != std::path::Path::new("-"))
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        Ok(match ext.as_deref() {
            None | Some("dot") | Some("gv") => GraphFormat::Dot,
            Some("svg") => GraphFormat::Svg,
            Some("png") => GraphFormat::Png,
            Some(other) => bail!(
                "cannot tell the format from the extension .{other}; use --format dot|svg|png"
            ),
        })
    }

    fn request(self) -> Result<o::GraphRequest> {
        let format = self.format()?;
        let to_stdout = self.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
        if format == GraphFormat::Png && to_stdout && std::io::stdout().is_terminal() {
            bail!("refusing to write a PNG to a terminal; use -o FILE.png");
        }
        let mut options = GraphOptions {
            nodes: self.nodes.options(),
            nodecount: self.nodecount,
            nodefraction: self.nodefraction,
            edgefraction: self.edgefraction,
            unit: self.unit,
            ..GraphOptions::default()
        };
        if self.no_trim {
            options.no_trim();
        }
        Ok(o::GraphRequest {
            selection: self.select.selection(self.profiles, self.input),
            options,
            format,
            output: self.output,
        })
    }
}

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
        let r = a.request();
        assert_eq!(r.index, "inuse_objects");
        assert_eq!(
            r.warnings,
            ["Multiple value selections, ignoring --alloc-space"]
        );
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
