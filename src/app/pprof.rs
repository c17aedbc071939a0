//! `heapscope pprof ARGS`: runs a command line parsed by
//! [`crate::pprof_cli`] the way go tool pprof's driver does: fetch and
//! merge the sources (and bases, normalized if asked), pick the sample
//! index, take the total before or after the filters
//! (`-relative_percentages`), filter, then build the one report asked for
//! with pprof's per-report overrides, and write it to standard output or
//! atomically to `-output`.
//!
//! The call-graph reports (`-dot`, `-svg`, `-png`) are built by
//! [`crate::graph`] and drawn by [`crate::render::dot`] /
//! [`crate::render::graph_svg`]; `-http` runs heapscope's web page and
//! server (`heapscope web`) with the parsed sources and options.

use super::filtering::apply_filters;
use super::{Outcome, shown_names};
use crate::aggregate::{Granularity, NodeOptions};
use crate::options::{
    Bases, InputOptions, ListRequest, Output, PageRequest, SampleRequest, Selection, SourceOptions,
    WebRequest,
};
use crate::pprof_cli::{self, Effective, Parsed, PprofArgs, Report};
use crate::profile::{self, Profile, encode, merge};
use crate::report::tree::TreeOptions;
use crate::report::{self, TopOptions};
use crate::symbolize::{DemangleStyle, Mode};
use crate::{output, render};
use anyhow::{Context, Result, anyhow, bail};
use std::io::{IsTerminal, Write};

/// Runs pprof's command line `args` (without the program name).
pub fn run(args: &[String]) -> Result<Outcome> {
    let mut a = match pprof_cli::parse(args)? {
        Parsed::Help => {
            print!("{}", pprof_cli::USAGE);
            return Ok(Outcome::Ok);
        }
        Parsed::Run(a) => *a,
    };
    a.split_binary(is_object_file);
    let Some(report) = a.report.clone() else {
        if let Some(addr) = &a.http {
            return web(&a, addr);
        }
        bail!(
            "no interactive shell here (unlike pprof): add a report flag such as -top, -tree or -traces, \
             or -http=localhost:8080 for the web page"
        );
    };
    for w in &a.warnings {
        eprintln!("{w}");
    }
    if let Report::List(rx) = &report {
        return list(&a, rx);
    }
    if report == Report::Comments {
        let p = load(&a)?;
        let mut text = String::new();
        for &c in &p.comments {
            text.push_str(p.str(c));
            text.push('\n');
        }
        return emit(&a, false, |w| w.write_all(text.as_bytes()));
    }
    if (a.mean || a.divide_by != 1.0)
        && !matches!(report, Report::Top | Report::Proto | Report::Raw)
    {
        bail!(
            "-mean and -divide_by are supported with -top (and -divide_by with -proto), not with -{}",
            report.name()
        );
    }
    if a.call_tree && (report == Report::Callgrind || report.is_graph()) {
        bail!("-call_tree with -{} is not supported", report.name());
    }
    if a.noinlines && matches!(report, Report::Raw | Report::Proto) {
        bail!("-noinlines with -{} is not supported", report.name());
    }

    let mut p = load(&a)?;
    // Label pseudo frames come first (pprof's generateTagRootsLeaves):
    // the filters may match them.
    let keys = |s: &str| -> Vec<String> {
        s.split(',')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (root_keys, leaf_keys) = (keys(&a.tagroot), keys(&a.tagleaf));
    if !root_keys.is_empty() || !leaf_keys.is_empty() {
        let (rootm, leafm) = add_label_nodes(&mut p, &root_keys, &leaf_keys, &a.unit);
        if !a.tagroot.is_empty() && !rootm {
            eprintln!("TagRoot expression matched no samples");
        }
        if !a.tagleaf.is_empty() && !leafm {
            eprintln!("TagLeaf expression matched no samples");
        }
    }
    let idx = profile::sample_index(&p, &a.sample_index)
        .map_err(|e| anyhow!("{}: {e}", shown_names(&a.sources)))?;
    let spec = &a.filters;
    let total = if a.relative_percentages {
        apply_filters(&mut p, spec)?;
        report::compute_total(&p, idx)
    } else {
        let t = report::compute_total(&p, idx);
        apply_filters(&mut p, spec)?;
        t
    };
    let e = a.effective(&report);
    let nodes = node_options(&e)?;
    // -top, -topproto, -tree and -peek read the same options.
    let top_options = || TopOptions {
        sample_index: idx,
        nodes,
        cum: a.cum,
        nodecount: e.nodecount,
        nodefraction: e.nodefraction,
        edgefraction: e.edgefraction,
        unit: a.unit.clone(),
    };
    match report {
        Report::Top => {
            let o = top_options();
            let mut r = report::top_with_total(&p, &o, total);
            if a.mean {
                mean_top(&p, &mut r, nodes, idx, &a.unit);
            }
            if a.divide_by != 1.0 {
                divide_top(&p, &mut r, 1.0 / a.divide_by, &a.unit);
            }
            if a.compact_labels {
                r.profile_labels.clear();
            }
            r.profile_labels.extend(spec.header_lines());
            emit(&a, false, |w| render::top_text(&r, w))
        }
        Report::Tree | Report::Peek(_) => {
            let symbol = match &report {
                Report::Peek(rx) => Some(
                    regex::Regex::new(rx)
                        .with_context(|| format!("parsing argument regexp {rx}"))?,
                ),
                _ => None,
            };
            let o = TreeOptions {
                report: top_options(),
                symbol,
            };
            let mut r = report::tree::tree(&p, &o, total, &spec.header_lines())?;
            if a.compact_labels {
                let labels = report::profile_labels(
                    &p,
                    &r.sample_type,
                    r.total,
                    &r.sample_unit,
                    &r.output_unit,
                );
                if r.header.starts_with(&labels) {
                    r.header.drain(..labels.len());
                }
            }
            emit(&a, false, |w| render::reports::tree_text(&r, w))
        }
        Report::Traces => {
            let r = report::traces::traces_head(&p, idx, &a.unit, total, &[]);
            emit(&a, false, |w| {
                render::reports::traces_text_streamed(&r, &p, idx, nodes, w)
            })
        }
        Report::Tags => {
            let r = report::tags::tags(&p, idx, &a.unit, total);
            emit(&a, false, |w| render::reports::tags_text(&r, w))
        }
        Report::Raw => emit(&a, false, |w| report::raw::write_raw(&p, w)),
        Report::Proto => {
            scale_values(&mut p, 1.0 / a.divide_by);
            emit(&a, true, |w| encode::write_gzip(&p, w))
        }
        Report::TopProto => {
            let o = top_options();
            let r = report::top_with_total(&p, &o, total);
            let out = report::topproto::top_proto(&p, &r, nodes);
            emit(&a, true, |w| report::topproto::write_gzip(&out, w))
        }
        Report::Callgrind => {
            let r = report::callgrind::callgrind(&p, idx, nodes, &a.unit, total);
            emit(&a, false, |w| render::callgrind::write(&r, w))
        }
        Report::Dot | Report::Svg | Report::Png => {
            graph_report(&a, &report, &p, &e, idx, total, &spec.header_lines())
        }
        Report::List(_) | Report::Comments => unreachable!("dispatched above"),
    }
}

/// pprof's `-mean` on `top`: rows stay where the sums put them (sorting
/// and trimming use the sums), but every value shown is the sum divided
/// by the same sum of the first sample type (the count), per node; the
/// total is divided the same way.
fn mean_top(p: &Profile, r: &mut report::TopReport, nodes: NodeOptions, idx: usize, unit: &str) {
    let table = crate::aggregate::node_table(p, nodes);
    let (flat_d, cum_d) = crate::aggregate::flat_cum(p, &table, 0);
    let (flat_w, cum_w) = crate::aggregate::flat_cum(p, &table, idx);
    let mut by_name: rustc_hash::FxHashMap<String, usize> = Default::default();
    for (i, info) in table.infos.iter().enumerate() {
        if flat_w[i] != 0 || cum_w[i] != 0 {
            by_name.entry(info.printable_name()).or_insert(i);
        }
    }
    let div = |v: i64, d: i64| if d == 0 { v } else { v / d };
    for row in &mut r.rows {
        if let Some(&i) = by_name.get(&row.name) {
            row.flat = div(row.flat, flat_d[i]);
            row.cum = div(row.cum, cum_d[i]);
        }
    }
    // computeTotal with a divisor (diff-base samples alone when present).
    let has_base = p.strings.iter().any(|s| &**s == "pprof::base");
    let (mut total, mut d, mut dt, mut dd) = (0i64, 0i64, 0i64, 0i64);
    for s in p.samples.iter() {
        let v = s.values[idx].wrapping_abs();
        total = total.wrapping_add(v);
        d = d.wrapping_add(s.values[0]);
        let base = has_base
            && s.labels
                .iter()
                .any(|l| p.str(l.key) == "pprof::base" && l.str.0 != 0 && p.str(l.str) == "true");
        if base {
            dt = dt.wrapping_add(v);
            dd = dd.wrapping_add(s.values[0]);
        }
    }
    if dt > 0 {
        (total, d) = (dt, dd);
    }
    r.total = if d != 0 { total / d } else { total };
    r.shown_total = r.rows.iter().fold(0i64, |a, x| a.wrapping_add(x.flat));
    r.sample_type = format!("mean_{}", r.sample_type);
    r.output_unit = report::select_output_unit(
        &r.sample_unit,
        unit,
        r.total,
        r.rows.iter().map(|x| (x.flat, x.cum)),
    );
    r.profile_labels =
        report::profile_labels(p, &r.sample_type, r.total, &r.sample_unit, &r.output_unit);
}

/// pprof's `-divide_by` on `top`: values print as `trunc(v / d)`, and the
/// output unit is chosen from the divided smallest value and total.
fn divide_top(p: &Profile, r: &mut report::TopReport, ratio: f64, unit: &str) {
    r.ratio = ratio;
    let s = |v: i64| (v as f64 * ratio) as i64;
    r.output_unit = report::select_output_unit(
        &r.sample_unit,
        unit,
        s(r.total),
        r.rows.iter().map(|x| (s(x.flat), s(x.cum))),
    );
    r.profile_labels =
        report::profile_labels(p, &r.sample_type, r.total, &r.sample_unit, &r.output_unit);
}

/// `-dot`, `-svg`, `-png`: the call graph of the loaded, filtered
/// profile, with the per-report options (nodecount 80 unless given, no
/// trimming with `-trim=false`) and the active-filter lines in the legend.
/// `-dot` prints what pprof prints; `-svg` and `-png` are drawn
/// in-process from the same graph (no graphviz).
fn graph_report(
    a: &PprofArgs,
    report: &Report,
    p: &Profile,
    e: &Effective,
    idx: usize,
    total: i64,
    extra_labels: &[String],
) -> Result<Outcome> {
    let o = crate::graph::GraphOptions {
        sample_index: idx,
        nodes: node_options(e)?,
        nodecount: e.nodecount,
        nodefraction: e.nodefraction,
        edgefraction: e.edgefraction,
        unit: a.unit.clone(),
        ..crate::graph::GraphOptions::default()
    };
    let r = crate::graph::graph_report(p, &o, total, extra_labels);
    use crate::render::{dot, graph_svg};
    match report {
        Report::Dot => emit(a, false, |w| dot::write_dot(&r, w)),
        Report::Svg => emit(a, false, |w| graph_svg::write_svg(&r, w)),
        _ => emit(a, true, |w| graph_svg::write_png(&r, w)),
    }
}

/// pprof's `-http` address: `HOST:PORT`, `:PORT` (localhost) or `HOST:`
/// (a free port), as its `getHostAndPort`.
fn http_address(s: &str) -> Result<String> {
    let Some((host, port)) = s.rsplit_once(':') else {
        bail!("-http={s}: could not split http address: expected HOST:PORT");
    };
    if host.contains(':') && !(host.starts_with('[') && host.ends_with(']')) {
        bail!("-http={s}: too many colons in address (put an IPv6 host in brackets)");
    }
    if !port.is_empty() && port.parse::<u16>().is_err() {
        bail!("-http={s}: the port {port:?} is not a number from 0 to 65535");
    }
    let host = if host.is_empty() { "localhost" } else { host };
    let port = if port.is_empty() { "0" } else { port };
    Ok(format!("{host}:{port}"))
}

/// `-http`: heapscope's web page and server (`heapscope web`) for the
/// sources with the command line's sample index, granularity, bases and
/// filters; a browser opens unless `-no_browser`.
fn web(a: &PprofArgs, addr: &str) -> Result<Outcome> {
    let http = http_address(addr)?;
    if a.normalize
        || a.mean
        || a.divide_by != 1.0
        || a.relative_percentages
        || !a.tagroot.is_empty()
        || !a.tagleaf.is_empty()
    {
        bail!(
            "-http does not support -normalize, -mean, -divide_by, -relative_percentages, -tagroot or -tagleaf"
        );
    }
    for w in &a.warnings {
        eprintln!("{w}");
    }
    let Selection {
        profiles,
        sample,
        bases,
        filters,
        input,
    } = selection(a)?;
    let SourceOptions {
        source_path,
        trim_path,
    } = sources(a);
    let page = PageRequest {
        profiles,
        sample,
        nodes: NodeOptions {
            granularity: granularity(&a.granularity)?,
            inlines: !a.noinlines,
        },
        base: bases,
        filters,
        source_path,
        trim_path,
        input,
    };
    super::web(WebRequest {
        page,
        http,
        open: !a.no_browser,
    })
}

/// Writes a report to `-output` (atomically; pprof says so on stderr) or
/// to standard output. Binary reports refuse a terminal.
fn emit(
    a: &PprofArgs,
    binary: bool,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Outcome> {
    if let Some(path) = &a.output {
        eprintln!("Generating report in {}", path.display());
        output::write_atomic(path, write).with_context(|| format!("writing {}", path.display()))?;
        return Ok(Outcome::Ok);
    }
    if binary && std::io::stdout().is_terminal() {
        bail!("not writing a binary profile to a terminal: use -output FILE or redirect");
    }
    let mut w = super::stdout_writer();
    write(&mut w)?;
    w.flush()?;
    Ok(Outcome::Ok)
}

/// pprof's first argument is the binary when it opens as an object file.
fn is_object_file(name: &str) -> bool {
    use std::io::Read;
    if name == "-" || crate::source::is_url(name) {
        return false;
    }
    let Ok(f) = std::fs::File::open(name) else {
        return false;
    };
    let mut head = Vec::with_capacity(4096);
    if f.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    use object::FileKind as K;
    matches!(
        K::parse(&head[..]),
        Ok(K::Elf32
            | K::Elf64
            | K::MachO32
            | K::MachO64
            | K::MachOFat32
            | K::MachOFat64
            | K::Pe32
            | K::Pe64)
    )
}

/// How the sources are read: `-symbolize`, `-seconds`, `-timeout`, and
/// the binary named on the command line.
fn input_options(a: &PprofArgs) -> Result<InputOptions> {
    let mut o = InputOptions {
        timeout: a.timeout.filter(|&t| t > 0).map(|t| t as f64),
        seconds: a.seconds.filter(|&s| s > 0),
        ..InputOptions::default()
    };
    for part in a
        .symbolize
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match part {
            "none" | "no" | "remote" => o.symbolize.mode = Mode::None,
            "force" => o.symbolize.mode = Mode::Force,
            "local" | "fastlocal" | "auto" => {}
            "demangle=none" => o.symbolize.demangle = DemangleStyle::None,
            "demangle=full" | "demangle=templates" => o.symbolize.demangle = DemangleStyle::Full,
            "demangle=default" => o.symbolize.demangle = DemangleStyle::Default,
            other => bail!("-symbolize={}: unknown option {other:?}", a.symbolize),
        }
    }
    o.symbolize.binaries = a.binary.iter().map(Into::into).collect();
    Ok(o)
}

/// The sources, bases, sample index and filters, for the reports that
/// heapscope's own commands build (`-list`, `-http`).
fn selection(a: &PprofArgs) -> Result<Selection> {
    Ok(Selection {
        profiles: a.sources.clone(),
        sample: SampleRequest {
            index: a.sample_index.clone(),
            warnings: Vec::new(),
        },
        bases: Bases {
            base: a.base.clone(),
            diff_base: a.diff_base.clone(),
        },
        filters: a.filters.clone(),
        input: input_options(a)?,
    })
}

/// `-source_path` and `-trim_path`.
fn sources(a: &PprofArgs) -> SourceOptions {
    let opt = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    SourceOptions {
        source_path: opt(&a.source_path),
        trim_path: opt(&a.trim_path),
    }
}

/// Fetches and merges the sources, then combines them with the bases as
/// pprof's `fetchProfiles` does (normalize, mark, negate, merge).
fn load(a: &PprofArgs) -> Result<Profile> {
    let input = input_options(a)?;
    let mut p = super::load(&a.sources, &input)?;
    locate_binaries(&mut p, a.binary.as_deref());
    let Some((bases, mode)) = super::base_mode(&a.base, &a.diff_base) else {
        return Ok(p);
    };
    let mut b = super::load(bases, &input)?;
    locate_binaries(&mut b, a.binary.as_deref());
    if a.normalize {
        normalize(&mut p, &b).with_context(|| {
            format!(
                "normalizing {} by {}",
                shown_names(&a.sources),
                shown_names(bases)
            )
        })?;
    }
    merge::subtract_base(p, b, mode).with_context(|| {
        format!(
            "combining {} with its base {}",
            shown_names(&a.sources),
            shown_names(bases)
        )
    })
}

/// What pprof's `locateBinaries` does to a fetched profile's mappings: a
/// profile without mappings gets an empty one (id 1) holding every
/// location, and the binary named on the command line becomes the file of
/// the first mapping.
fn locate_binaries(p: &mut Profile, binary: Option<&str>) {
    if p.mappings.is_empty() {
        p.mappings.push(profile::Mapping {
            id: 1,
            ..Default::default()
        });
        for l in &mut p.locations {
            l.mapping = Some(profile::MapIdx(0));
        }
    }
    if let Some(b) = binary {
        let i = match p.strings.iter().position(|s| &**s == b) {
            Some(i) => i,
            None => {
                p.strings.push(b.into());
                p.strings.len() - 1
            }
        };
        p.mappings[0].filename = profile::StrIdx(i as u32);
    }
}

/// pprof's `-tagroot` / `-tagleaf` (`addLabelNodes`): each sample gets one
/// pseudo frame per key, named by the sample's values for that key
/// (`v1,v2`; numbers scaled to `unit`) with the key as its file, the first
/// root key at the new root and the last leaf key at the new leaf. The new
/// functions and locations get ids after the largest ones. Returns whether
/// any sample had a value for a root key, and for a leaf key.
pub(crate) fn add_label_nodes(
    p: &mut Profile,
    root_keys: &[String],
    leaf_keys: &[String],
    unit: &str,
) -> (bool, bool) {
    use profile::{FuncIdx, Function, Line, LocIdx, Location, StrIdx};
    let mut next_loc = p.locations.iter().map(|l| l.id).max().unwrap_or(0) + 1;
    let mut next_fn = p.functions.iter().map(|f| f.id).max().unwrap_or(0) + 1;
    let mut strings: rustc_hash::FxHashMap<Box<str>, StrIdx> = p
        .strings
        .iter()
        .enumerate()
        .map(|(i, s)| (s.clone(), StrIdx(i as u32)))
        .collect();
    let mut locs: rustc_hash::FxHashMap<(String, String), LocIdx> = Default::default();
    let old = std::mem::take(&mut p.samples);
    let mut out = profile::Samples {
        stride: old.stride,
        ..Default::default()
    };
    let (mut rootm, mut leafm) = (false, false);
    let mut new_locs: Vec<LocIdx> = Vec::new();
    for s in old.iter() {
        let mut label_locs = |p: &mut Profile, keys: &[String], matched: &mut bool| {
            let mut v = Vec::new();
            for k in keys.iter().rev() {
                let values = label_values(p, s.labels, k, unit);
                *matched |= !values.is_empty();
                let key = (values.join(","), k.clone());
                let li = match locs.get(&key) {
                    Some(&li) => li,
                    None => {
                        let name = p.intern(&mut strings, &key.0);
                        let file = p.intern(&mut strings, &key.1);
                        p.functions.push(Function {
                            id: next_fn,
                            name,
                            system_name: StrIdx(0),
                            filename: file,
                            start_line: 0,
                        });
                        next_fn += 1;
                        let start = p.lines.len() as u32;
                        p.lines.push(Line {
                            function: FuncIdx(p.functions.len() as u32 - 1),
                            line: 0,
                            column: 0,
                        });
                        p.locations.push(Location {
                            id: next_loc,
                            mapping: None,
                            address: 0,
                            lines_start: start,
                            lines_end: start + 1,
                            is_folded: false,
                        });
                        next_loc += 1;
                        let li = LocIdx(p.locations.len() as u32 - 1);
                        locs.insert(key, li);
                        li
                    }
                };
                v.push(li);
            }
            v
        };
        let roots = label_locs(p, root_keys, &mut rootm);
        let leaves = label_locs(p, leaf_keys, &mut leafm);
        new_locs.clear();
        new_locs.extend_from_slice(&leaves);
        new_locs.extend_from_slice(s.locs);
        new_locs.extend_from_slice(&roots);
        out.push(&new_locs, s.values, s.labels);
    }
    p.samples = out;
    (rootm, leafm)
}

/// pprof's `formatLabelValues`: the string values of `key`, then its
/// numbers scaled to `unit` (from their own unit, when any has one).
fn label_values(p: &Profile, labels: &[profile::Label], key: &str, unit: &str) -> Vec<String> {
    let mut out: Vec<String> = labels
        .iter()
        .filter(|l| l.str.0 != 0 && p.str(l.key) == key)
        .map(|l| p.str(l.str).to_string())
        .collect();
    let nums: Vec<&profile::Label> = labels
        .iter()
        .filter(|l| l.str.0 == 0 && p.str(l.key) == key)
        .collect();
    let with_units = nums.iter().any(|l| l.num_unit.0 != 0);
    for l in nums {
        out.push(if with_units {
            crate::units::scaled_label(l.num, p.str(l.num_unit), unit)
        } else {
            crate::units::scaled_label(l.num, "", "")
        });
    }
    out
}

/// pprof's `Profile.Normalize`: scale each sample type of `p` so that its
/// sum equals the base's (rounding each value; a sample whose scaled
/// values are all zero is dropped).
pub(crate) fn normalize(p: &mut Profile, base: &Profile) -> Result<()> {
    let n = p.sample_types.len();
    if base.sample_types.len() != n {
        bail!(
            "incompatible sample types: the base has {} sample types, the profile {n}",
            base.sample_types.len()
        );
    }
    let sums = |q: &Profile| {
        let mut s = vec![0i64; n];
        for x in q.samples.iter() {
            for (a, v) in s.iter_mut().zip(x.values) {
                *a = a.wrapping_add(*v);
            }
        }
        s
    };
    let (b, src) = (sums(base), sums(p));
    let ratios: Vec<f64> = (0..n)
        .map(|i| {
            if src[i] == 0 {
                0.0
            } else {
                b[i] as f64 / src[i] as f64
            }
        })
        .collect();
    if ratios.iter().all(|&r| r == 1.0) {
        return Ok(());
    }
    let old = std::mem::take(&mut p.samples);
    let mut kept = profile::Samples {
        stride: old.stride,
        ..Default::default()
    };
    let mut vals = vec![0i64; n];
    for x in old.iter() {
        let mut keep = false;
        for i in 0..n {
            vals[i] = x.values[i];
            if ratios[i] != 1.0 {
                vals[i] = (x.values[i] as f64 * ratios[i]).round() as i64;
                keep |= vals[i] != 0;
            }
        }
        if keep {
            kept.push(x.locs, &vals, x.labels);
        }
    }
    p.samples = kept;
    Ok(())
}

/// `-divide_by` for `-proto`: every value times `r`, truncated (pprof's
/// `printProto`).
fn scale_values(p: &mut Profile, r: f64) {
    if r > 0.0 && r != 1.0 {
        for v in &mut p.samples.values {
            *v = (*v as f64 * r) as i64;
        }
    }
}

/// pprof's granularity flag ("" for the default, functions).
fn granularity(g: &str) -> Result<Granularity> {
    if g.is_empty() {
        return Ok(Granularity::Functions);
    }
    Granularity::parse(g).ok_or_else(|| anyhow!("unexpected granularity {g}"))
}

fn node_options(e: &Effective) -> Result<NodeOptions> {
    Ok(NodeOptions {
        granularity: granularity(&e.granularity)?,
        inlines: !e.noinlines,
    })
}

/// `-list REGEX`: heapscope's `list`, which loads on its own.
fn list(a: &PprofArgs, rx: &str) -> Result<Outcome> {
    if a.output.is_some() {
        bail!("-output with -list is not supported: redirect standard output instead");
    }
    if a.normalize || a.mean || a.divide_by != 1.0 || a.relative_percentages {
        bail!("-list does not support -normalize, -mean, -divide_by or -relative_percentages");
    }
    super::list(ListRequest {
        regex: rx.to_string(),
        selection: selection(a)?,
        sources: sources(a),
        output: Output {
            unit: a.unit.clone(),
            ..Output::default()
        },
    })
}
