//! One function per subcommand (one file each under `app/`): read ->
//! decode -> merge -> aggregate -> report -> render. Each takes a plain
//! request from [`crate::options`] (the binary builds them from its flags,
//! [`pprof`] from pprof's). The only library module that does I/O and uses
//! anyhow; errors carry the file they are about.

mod check;
mod convert;
mod diff;
pub mod fetch;
mod filtering;
mod flame;
mod graph;
mod info;
mod list;
pub mod pprof;
mod report_html;
mod reports;
mod symbolize;
mod top;
mod trend;
mod watch;
mod web;

pub use check::run as check;
pub use convert::run as convert;
pub use diff::run as diff;
pub use flame::{flame, folded};
pub use graph::run as graph;
pub use info::run as info;
pub use list::run as list;
pub use report_html::run as report;
pub use reports::{tags, traces, tree};
pub use symbolize::run as symbolize;
pub use top::run as top;
pub use trend::run as trend;
pub use watch::run as watch;
pub use web::run as web;

use crate::filter::FilterSpec;
use crate::options::{Bases, InputOptions};
use crate::profile::decode::{self, DecodeOptions};
use crate::profile::{Profile, legacy, merge, prune};
use crate::{source, symbolize as sym};
use anyhow::{Context, Result, bail};
use std::io::{self, BufWriter};

/// What `main` turns into an exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: a check found a violation.
    Violation,
}

/// Reads and decodes one profile, naming the file in any error.
pub fn load_one(name: &str, input: &InputOptions) -> Result<Profile> {
    let shown = source::display_name(name);
    let o = fetch::open(name, input)?;
    load_opened(shown, o, input)
}

/// Decodes an opened source (no symbolization, no pruning).
pub(crate) fn decode_opened(
    shown: &str,
    o: fetch::Opened<'_>,
    input: &InputOptions,
) -> Result<Profile> {
    let opts = DecodeOptions {
        max_input_size: input.max_input_size,
        ..Default::default()
    };
    decode::decode_reader(o.reader, opts, &legacy::parse)
        .map_err(|e| fetch::decode_error(shown, o.content_type.as_deref(), e))
}

/// Decodes, symbolizes and prunes an opened source.
pub(crate) fn load_opened(
    shown: &str,
    o: fetch::Opened<'_>,
    input: &InputOptions,
) -> Result<Profile> {
    let mut p = decode_opened(shown, o, input)?;
    // pprof symbolizes first, then applies drop_frames/keep_frames, whose
    // regexes match function names.
    symbolize_profile(&mut p, shown, input)?;
    prune::remove_uninteresting(&mut p).with_context(|| shown.to_string())?;
    Ok(p)
}

/// Symbolizes a freshly loaded profile in place (a no-op for profiles whose
/// mappings already have functions); what is left undone is one warning
/// line on stderr, never an error, and so is each binary that may not be
/// the one of its mapping.
pub fn symbolize_profile(p: &mut Profile, shown: &str, input: &InputOptions) -> Result<()> {
    let summary = symbolize_quietly(p, input)?;
    if let Some(w) = summary.warning() {
        eprintln!("heapscope: warning: {shown}: {w}");
    }
    for w in summary.suspect_warnings() {
        eprintln!("heapscope: warning: {shown}: {w}");
    }
    Ok(())
}

/// Symbolizes `p` in place and returns what happened, printing nothing.
pub(crate) fn symbolize_quietly(p: &mut Profile, input: &InputOptions) -> Result<sym::Summary> {
    let mut o = input.symbolize.clone();
    for var in ["HEAPSCOPE_BINARY_PATH", "PPROF_BINARY_PATH"] {
        if let Some(v) = std::env::var_os(var) {
            o.search_path
                .extend(std::env::split_paths(&v).filter(|d| !d.as_os_str().is_empty()));
        }
    }
    Ok(sym::symbolize(p, &o))
}

/// Loads one profile file leanly for an aggregate report of the sample
/// type `request` asks for (see `profile::decode::lean`), symbolized and
/// pruned as [`load_opened`] does. `None`: load it in full instead (more
/// than one profile, standard input, a URL, or what the lean decode gives
/// up on).
pub(crate) fn load_lean(
    names: &[String],
    input: &InputOptions,
    request: &str,
) -> Result<Option<decode::LeanProfile>> {
    load_lean_as(names, input, decode::LeanColumns::Request(request))
}

/// [`load_lean`] with the columns, merging and labels `cols` says
/// (`LeanColumns::Labeled` for the call graph, which reads labels;
/// `LeanColumns::Unmerged` for diff's sampling variance).
pub(crate) fn load_lean_as(
    names: &[String],
    input: &InputOptions,
    cols: decode::LeanColumns<'_>,
) -> Result<Option<decode::LeanProfile>> {
    let [name] = names else { return Ok(None) };
    if name == "-" || source::is_url(name) {
        return Ok(None);
    }
    let Ok(mut f) = std::fs::File::open(name) else {
        return Ok(None);
    };
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let hint = decode::gzip_size_hint(&mut f);
    let opts = DecodeOptions {
        max_input_size: input.max_input_size,
        ..Default::default()
    };
    let Some(mut lean) = decode::decode_reader_lean(f, opts, cols, hint) else {
        return Ok(None);
    };
    let shown = source::display_name(name);
    symbolize_profile(&mut lean.profile, shown, input)?;
    prune::remove_uninteresting(&mut lean.profile).with_context(|| shown.to_string())?;
    Ok(Some(lean))
}

/// Loads for a report that only sums one sample type over stacks (top,
/// tree, peek, graph): leanly when nothing needs the samples themselves
/// (one file, no base, no filters), else as [`load_with_base`]. Returns
/// the profile and a function giving pprof's total (`computeTotal`) of the
/// full profile for a sample index.
pub(crate) fn load_for_aggregate(
    names: &[String],
    base: &Bases,
    filters: &FilterSpec,
    input: &InputOptions,
    request: &str,
) -> Result<(Profile, impl Fn(&Profile, usize) -> i64)> {
    let plain = base.base.is_empty() && base.diff_base.is_empty() && filters.is_empty();
    let lean = if plain {
        load_lean(names, input, request)?
    } else {
        None
    };
    let (p, totals) = match lean {
        Some(l) => (l.profile, Some(l.totals)),
        None => (load_with_base(names, base, input)?, None),
    };
    let total = move |p: &Profile, idx: usize| match &totals {
        Some(t) => t.total(idx),
        None => crate::report::compute_total(p, idx),
    };
    Ok((p, total))
}

/// Reads several profiles and merges them as pprof does.
pub fn load(names: &[String], input: &InputOptions) -> Result<Profile> {
    if names.iter().filter(|n| n.as_str() == "-").count() > 1 {
        bail!("standard input (-) can be read only once");
    }
    let mut ps = Vec::with_capacity(names.len());
    for n in names {
        ps.push(load_one(n, input)?);
    }
    merge::merge(ps).with_context(|| format!("merging {}", shown_names(names)))
}

/// The inputs as named in messages: `a.pb.gz, b.pb.gz`.
pub(crate) fn shown_names(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().map(|n| source::display_name(n)).collect();
    shown.join(", ")
}

pub(crate) fn stdout_writer() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// Writes a report where `-o` says: to FILE atomically (see
/// [`crate::output`]), or to standard output when there is no `-o` or it
/// is `-`.
pub(crate) fn write_report(
    output: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> Result<()> {
    match output {
        Some(p) if !is_stdout(p) => crate::output::write_atomic(p, write)
            .with_context(|| format!("writing {}", p.display())),
        _ => {
            let mut w = stdout_writer();
            write(&mut w)?;
            io::Write::flush(&mut w)?;
            Ok(())
        }
    }
}

/// Whether an `-o` argument means standard output (`-`).
pub(crate) fn is_stdout(p: &std::path::Path) -> bool {
    p == std::path::Path::new("-")
}

/// The base profiles and how they combine with the profile: those of
/// `--diff-base` if any, else of `--base`; `None` when there are none.
pub(crate) fn base_mode<'a>(
    base: &'a [String],
    diff_base: &'a [String],
) -> Option<(&'a [String], merge::BaseMode)> {
    if !diff_base.is_empty() {
        Some((diff_base, merge::BaseMode::Diff))
    } else if !base.is_empty() {
        Some((base, merge::BaseMode::Subtract))
    } else {
        None
    }
}

/// Loads the profiles and applies `--base` / `--diff-base`.
pub fn load_with_base(names: &[String], base: &Bases, input: &InputOptions) -> Result<Profile> {
    let p = load(names, input)?;
    let Some((bases, mode)) = base_mode(&base.base, &base.diff_base) else {
        return Ok(p);
    };
    let b = load(bases, input)?;
    merge::subtract_base(p, b, mode).with_context(|| {
        format!(
            "combining {} with its base {}",
            shown_names(names),
            shown_names(bases)
        )
    })
}
