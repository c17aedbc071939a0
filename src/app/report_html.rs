//! `heapscope report PROFILE... -o heap.html`: the interactive page as one
//! self-contained file. Also builds the page data for `heapscope web`.
//!
//! The profiles are read one at a time: with two or more, each one's node
//! values feed the Trend view (oldest first); with two (or --diff-base)
//! the Diff view compares them as `diff` does. The main views show the
//! profiles merged (and combined with --base/--diff-base) as `top` does,
//! after the command line's filters; Diff and Trend compare each profile
//! after the same filters, as `diff` and `trend` do.

use super::diff::same_type;
use super::filtering::apply_filters;
use super::{Outcome, load, shown_names};
use crate::filter::FilterSpec;
use crate::options::PageRequest;
use crate::profile::{self, Profile, merge};
use crate::report::diff::{self as rdiff, DiffOptions};
use crate::report::nodes::{self, NodeValues};
use crate::report::trend::{TrendBuilder, TrendOptions};
use crate::web::model::{self, Names, Page};
use crate::{output, report, source};
use anyhow::{Context, Result};
use std::borrow::Cow;

/// The page data, plus what the server needs to refine views.
pub(crate) struct Built {
    pub(crate) page: Page,
    /// The main profile after the command line's filters.
    pub(crate) profile: Profile,
    /// pprof's totals per sample type, before filtering.
    pub(crate) totals: Vec<i64>,
    pub(crate) spec: FilterSpec,
}

/// `report`: the page, written atomically to `path`.
pub fn run(a: PageRequest, path: &std::path::Path) -> Result<Outcome> {
    let b = build(&a, "file")?;
    let html = crate::web::page::html(&b.page);
    drop(b);
    output::write_atomic(path, |w| w.write_all(html.as_bytes()))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(Outcome::Ok)
}

fn values_of(p: &Profile, name: &str, req: &str, a: &PageRequest) -> Result<(usize, NodeValues)> {
    let idx = profile::sample_index(p, req)
        .map_err(|e| anyhow::anyhow!("{}: {e}", source::display_name(name)))?;
    Ok((idx, nodes::node_values(p, idx, a.nodes)))
}

/// `p` with the command line's filters applied, as `diff` and `trend`
/// filter each profile before comparing; `p` itself when there are none.
/// pprof's messages about the filters are printed once, for the main
/// views, not again for each compared profile.
fn filtered<'a>(p: &'a Profile, spec: &FilterSpec) -> Result<Cow<'a, Profile>> {
    if spec.is_empty() {
        return Ok(Cow::Borrowed(p));
    }
    let mut q = p.clone();
    crate::filter::apply(&mut q, spec)?;
    Ok(Cow::Owned(q))
}

pub(crate) fn build(a: &PageRequest, mode: &'static str) -> Result<Built> {
    let req = a.sample.announce().to_string();
    let nodes_opts = a.nodes;
    let mut names = Names::default();
    let mut ps = Vec::with_capacity(a.profiles.len());
    if a.profiles.iter().filter(|n| n.as_str() == "-").count() > 1 {
        anyhow::bail!("standard input (-) can be read only once");
    }
    if mode == "file" {
        if let Some(l) = load_lean(a)? {
            return build_lean(a, l, &req, mode);
        }
    }
    for n in &a.profiles {
        ps.push(load(std::slice::from_ref(n), &a.input)?);
    }

    // Trend: every profile's node values, oldest first.
    let mut trend = None;
    if ps.len() >= 2 {
        let mut b = TrendBuilder::new(false);
        let mut first: Option<NodeValues> = None;
        for (p, n) in ps.iter().zip(&a.profiles) {
            let (_, nv) = values_of(&*filtered(p, &a.filters)?, n, &req, a)?;
            if let Some(f) = &first {
                same_type(f, &a.profiles[0], &nv, n)?;
            }
            b.add(&nv, source::display_name(n));
            if first.is_none() {
                first = Some(nv);
            }
        }
        // In recorded-time order, as `trend` orders them.
        let r = b.finish(&TrendOptions::default());
        let shown = r.labels.clone();
        trend = Some(model::trend_data(&r, shown, &mut names));
    }

    // Diff of two profiles, first against second.
    let mut diff = None;
    if ps.len() == 2 && a.base.diff_base.is_empty() {
        diff = Some(diff_view(
            (&ps[0], &a.profiles[0]),
            (&ps[1], &a.profiles[1]),
            &req,
            a,
            &mut names,
        )?);
    }

    let mut main =
        merge::merge(ps).with_context(|| format!("merging {}", shown_names(&a.profiles)))?;
    if !a.base.diff_base.is_empty() {
        let base = load(&a.base.diff_base, &a.input)?;
        let bname = shown_names(&a.base.diff_base);
        let nname = shown_names(&a.profiles);
        diff = Some(diff_view(
            (&base, &bname),
            (&main, &nname),
            &req,
            a,
            &mut names,
        )?);
        main = merge::subtract_base(main, base, merge::BaseMode::Diff)
            .with_context(|| format!("combining {nname} with its base {bname}"))?;
    } else if !a.base.base.is_empty() {
        let base = load(&a.base.base, &a.input)?;
        main = merge::subtract_base(main, base, merge::BaseMode::Subtract).with_context(|| {
            format!(
                "combining {} with its base {}",
                shown_names(&a.profiles),
                shown_names(&a.base.base)
            )
        })?;
    }
    let default_type = profile::sample_index(&main, &req)
        .map_err(|e| anyhow::anyhow!("{}: {e}", shown_names(&a.profiles)))?;
    let totals: Vec<i64> = (0..main.sample_types.len())
        .map(|i| report::compute_total(&main, i))
        .collect();
    apply_filters(&mut main, &a.filters)?;
    let spec = a.filters.clone();
    // Top rows and flame trees for every sample type of a small profile
    // (one walk for all), of the default type only for a big one; the
    // call graph for the default type only (see GraphData::omitted).
    let types = if main.samples.locs.len() <= ALL_TYPES_MAX_FRAMES {
        model::all_types(&main)
    } else {
        vec![default_type]
    };
    let views = model::views(
        &main,
        nodes_opts,
        &totals,
        &spec.header_lines(),
        &types,
        &[default_type],
        &mut names,
        None,
    );
    Ok(assemble(
        a,
        main,
        names,
        views,
        mode,
        default_type,
        (diff, trend),
        totals,
        spec,
    ))
}

/// The page of `views` (with the Source view computed here), and what
/// `web` keeps beside it.
#[allow(clippy::too_many_arguments)]
fn assemble(
    a: &PageRequest,
    mut main: Profile,
    mut names: Names,
    views: Vec<model::View>,
    mode: &'static str,
    default_type: usize,
    (diff, trend): (Option<model::DiffData>, Option<model::TrendData>),
    totals: Vec<i64>,
    spec: FilterSpec,
) -> Built {
    let (source, source_types) = source_view(&mut main, &views, &names, a);
    let page = Page {
        schema: 1,
        title: shown_names(&a.profiles),
        mode,
        types: model::sample_types(&main),
        default_type,
        names: std::mem::take(&mut names.list),
        views,
        filters: spec.active(),
        diff,
        trend,
        source,
        source_types,
    };
    Built {
        page,
        profile: main,
        totals,
        spec,
    }
}

/// A file this size or more (compressed or not) is decoded leanly first
/// for a page: below, its frames are likely fewer than
/// [`ALL_TYPES_MAX_FRAMES`] (about 2.6 bytes a frame inflated, half as
/// much gzip'd, in a Go heap profile), and a page of every sample type
/// needs every sample.
const LEAN_MIN_FILE: u64 = 4 << 20;

/// The lean profile (`LeanColumns::Labeled`: the samples with a value in
/// the default column, with their labels) of a page that shows one
/// sample type: one big file without base or filters, of more than
/// [`ALL_TYPES_MAX_FRAMES`] frames. `None`: load it in full.
fn load_lean(a: &PageRequest) -> Result<Option<profile::decode::LeanProfile>> {
    let plain = a.base.base.is_empty() && a.base.diff_base.is_empty() && a.filters.is_empty();
    let [name] = &a.profiles[..] else {
        return Ok(None);
    };
    if !plain || std::fs::metadata(name).map_or(true, |m| m.len() < LEAN_MIN_FILE) {
        return Ok(None);
    }
    let cols = profile::decode::LeanColumns::Labeled(&a.sample.index);
    Ok(super::load_lean_as(&a.profiles, &a.input, cols)?
        // A profile's drop_frames may shorten stacks after decoding (the
        // full decode's frame count is taken after that): full decode.
        .filter(|l| {
            l.frames > ALL_TYPES_MAX_FRAMES as u64
                && l.profile.drop_frames.0 == 0
                && l.profile.keep_frames.0 == 0
        }))
}

/// [`build`] from a lean profile: what `build` computes for one profile
/// of more than [`ALL_TYPES_MAX_FRAMES`] frames (no diff, no trend, the
/// views of the default type), with the full profile's totals.
fn build_lean(
    a: &PageRequest,
    l: profile::decode::LeanProfile,
    req: &str,
    mode: &'static str,
) -> Result<Built> {
    let mut names = Names::default();
    let main = l.profile;
    let default_type = profile::sample_index(&main, req)
        .map_err(|e| anyhow::anyhow!("{}: {e}", shown_names(&a.profiles)))?;
    let totals: Vec<i64> = (0..main.sample_types.len())
        .map(|i| l.totals.total(i))
        .collect();
    let spec = a.filters.clone();
    let views = model::views(
        &main,
        a.nodes,
        &totals,
        &spec.header_lines(),
        &[default_type],
        &[default_type],
        &mut names,
        Some(&l.label_lists),
    );
    Ok(assemble(
        a,
        main,
        names,
        views,
        mode,
        default_type,
        (None, None),
        totals,
        spec,
    ))
}

/// Up to this many frames (location references over all samples: about
/// 5 MB of gzip'd Go heap profile), the page holds the Top, Flame and
/// Peek views of every sample type; above, of the default type only (in
/// a heap profile the alloc_* types are non-zero in every sample, where
/// inuse_* are zero in most, so each more type is a walk over samples
/// the default type skips), and the page says how to get another.
/// `heapscope web` computes another type on request.
const ALL_TYPES_MAX_FRAMES: usize = 2_000_000;

/// Functions listed in the Source view, per sample type.
const SOURCE_FUNCTIONS: usize = 20;

/// The Source view: `list`'s routines for the functions of the top rows
/// with the largest cum, per sample type of `views` (every type, or the
/// default type of a big profile: see [`ALL_TYPES_MAX_FRAMES`]), where the
/// source is found.
/// File names are trimmed as `list` trims them. Returns the routines and
/// the sample types they were computed for.
///
/// The source files of the candidates are looked for first, so that a
/// profile whose sources are not on this machine (the common case for a
/// report written in CI) costs no listing pass at all.
fn source_view(
    p: &mut Profile,
    views: &[model::View],
    names: &Names,
    a: &PageRequest,
) -> (Vec<model::SourceRoutine>, Vec<usize>) {
    let trim = a.trim_path.as_deref().unwrap_or("");
    let search = a.source_path.as_deref().unwrap_or("");
    // Per view: the names of its SOURCE_FUNCTIONS largest-cum functions.
    let candidates: Vec<(usize, Vec<&str>)> = views
        .iter()
        .map(|v| {
            let mut rows: Vec<&(u32, i64, i64)> = v.top.iter().collect();
            rows.sort_by(|x, y| {
                y.2.unsigned_abs()
                    .cmp(&x.2.unsigned_abs())
                    .then(x.0.cmp(&y.0))
            });
            let fns = rows
                .iter()
                .take(SOURCE_FUNCTIONS)
                .map(|r| names.list[r.0 as usize].as_str())
                .collect();
            (v.t, fns)
        })
        .collect();
    let Ok(mut reader) =
        super::list::SourceReader::new(a.source_path.as_deref(), a.trim_path.as_deref())
    else {
        return (Vec::new(), Vec::new());
    };
    // Which candidates have a source file that can be read, found as
    // `list` finds it (the reader keeps what it read for the listing).
    let wanted: rustc_hash::FxHashSet<&str> = candidates
        .iter()
        .flat_map(|(_, f)| f.iter().copied())
        .collect();
    let mut found: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    for f in &p.functions {
        let name = p.str(f.name);
        if !wanted.contains(name) || found.contains(name) {
            continue;
        }
        let raw = p.str(f.filename);
        let file = crate::aggregate::go_clean(crate::aggregate::trim_path(
            crate::report::list::trim_source_path(raw, trim, search),
        ));
        if !file.is_empty() && crate::report::list::SourceFiles::lines(&mut reader, &file).is_ok() {
            found.insert(name.to_string());
        }
    }
    if found.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let types: Vec<usize> = candidates.iter().map(|c| c.0).collect();
    let lists: Vec<(usize, String)> = candidates
        .iter()
        .filter_map(|(t, fns)| {
            let alts: Vec<String> = fns
                .iter()
                .filter(|f| found.contains(**f))
                .map(|f| regex::escape(f))
                .collect();
            (!alts.is_empty()).then(|| (*t, format!("^(?:{})$", alts.join("|"))))
        })
        .collect();
    *p = crate::report::list::trim_function_files(std::mem::take(p), trim, search);
    let mut out: Vec<model::SourceRoutine> = Vec::new();
    for (t, rx) in lists {
        let Ok(rx) = regex::Regex::new(&rx) else {
            continue;
        };
        let o = crate::report::list::ListOptions {
            regex: &rx,
            sample_index: t,
            total: 0,
            unit: "minimum".to_string(),
        };
        let Ok(r) = crate::report::list::list(p, &o, &mut reader) else {
            continue;
        };
        let mut routines: Vec<model::SourceRoutine> = r
            .routines
            .into_iter()
            .filter_map(|r| match r {
                crate::report::list::Routine::Listed(l) => Some(l),
                crate::report::list::Routine::NoSource { .. } => None,
            })
            .filter_map(|r| {
                let lines = r.lines.ok()?;
                Some(model::SourceRoutine {
                    t,
                    function: r.function,
                    file: r.file,
                    flat: r.flat,
                    cum: r.cum,
                    lines: lines
                        .into_iter()
                        .map(|l| {
                            let mut text = l.source;
                            if text.len() > 400 {
                                let mut cut = 400;
                                while !text.is_char_boundary(cut) {
                                    cut -= 1;
                                }
                                text.truncate(cut);
                            }
                            (l.line, l.flat, l.cum, text)
                        })
                        .collect(),
                })
            })
            .collect();
        routines.sort_by(|x, y| {
            y.cum
                .unsigned_abs()
                .cmp(&x.cum.unsigned_abs())
                .then_with(|| x.function.cmp(&y.function))
                .then_with(|| x.file.cmp(&y.file))
        });
        out.extend(routines);
    }
    (out, types)
}

fn diff_view(
    base: (&Profile, &str),
    new: (&Profile, &str),
    req: &str,
    a: &PageRequest,
    names: &mut Names,
) -> Result<model::DiffData> {
    let (bp, np) = (filtered(base.0, &a.filters)?, filtered(new.0, &a.filters)?);
    let (base, new) = ((&*bp, base.1), (&*np, new.1));
    let (bidx, bv) = values_of(base.0, base.1, req, a)?;
    let (nidx, nv) = values_of(new.0, new.1, req, a)?;
    same_type(&bv, base.1, &nv, new.1)?;
    let mut r = rdiff::diff(
        &bv,
        &nv,
        &DiffOptions {
            cum: false,
            nodecount: 0,
        },
    );
    r.base_name = source::display_name(base.1).to_string();
    r.new_name = source::display_name(new.1).to_string();
    Ok(model::diff_data(
        &r,
        (base.0, bidx),
        (new.0, nidx),
        a.nodes,
        names,
    ))
}
