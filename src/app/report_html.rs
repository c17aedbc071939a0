//! `heapscope report PROFILE... -o heap.html`: the interactive page as one
//! self-contained file. Also builds the page data for `heapscope web`.
//!
//! The profiles are read one at a time: with two or more, each one's node
//! values feed the Trend view (oldest first); with two (or --diff-base)
//! the Diff view compares them as `diff` does. The main views show the
//! profiles merged (and combined with --base/--diff-base) as `top` does,
//! after the command line's filters.

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

pub(crate) fn build(a: &PageRequest, mode: &'static str) -> Result<Built> {
    let req = a.sample.announce().to_string();
    let nodes_opts = a.nodes;
    let mut names = Names::default();
    let mut ps = Vec::with_capacity(a.profiles.len());
    if a.profiles.iter().filter(|n| n.as_str() == "-").count() > 1 {
        anyhow::bail!("standard input (-) can be read only once");
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
            let (_, nv) = values_of(p, n, &req, a)?;
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
    let views = model::views(
        &main,
        nodes_opts,
        &totals,
        &spec.header_lines(),
        None,
        &mut names,
    );
    let source = source_view(&mut main, default_type, &views, &names, a);
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
    };
    Ok(Built {
        page,
        profile: main,
        totals,
        spec,
    })
}

/// Functions listed in the Source view.
const SOURCE_FUNCTIONS: usize = 20;

/// The Source view: `list`'s routines for the functions of the top
/// rows with the largest cum (default sample type), where the source
/// is found. File names are trimmed as `list` trims them.
fn source_view(
    p: &mut Profile,
    idx: usize,
    views: &[model::View],
    names: &Names,
    a: &PageRequest,
) -> Vec<model::SourceRoutine> {
    let Some(v) = views.iter().find(|v| v.t == idx) else {
        return Vec::new();
    };
    let mut rows: Vec<&(u32, i64, i64)> = v.top.iter().collect();
    rows.sort_by(|x, y| {
        y.2.unsigned_abs()
            .cmp(&x.2.unsigned_abs())
            .then(x.0.cmp(&y.0))
    });
    let alts: Vec<String> = rows
        .iter()
        .take(SOURCE_FUNCTIONS)
        .map(|r| regex::escape(&names.list[r.0 as usize]))
        .collect();
    if alts.is_empty() {
        return Vec::new();
    }
    let Ok(rx) = regex::Regex::new(&format!("^(?:{})$", alts.join("|"))) else {
        return Vec::new();
    };
    *p = crate::report::list::trim_function_files(
        std::mem::take(p),
        a.trim_path.as_deref().unwrap_or(""),
        a.source_path.as_deref().unwrap_or(""),
    );
    let Ok(mut reader) =
        super::list::SourceReader::new(a.source_path.as_deref(), a.trim_path.as_deref())
    else {
        return Vec::new();
    };
    let o = crate::report::list::ListOptions {
        regex: &rx,
        sample_index: idx,
        total: 0,
        unit: "minimum".to_string(),
    };
    let Ok(r) = crate::report::list::list(p, &o, &mut reader) else {
        return Vec::new();
    };
    let mut out: Vec<model::SourceRoutine> = r
        .routines
        .into_iter()
        .filter_map(|r| match r {
            crate::report::list::Routine::Listed(l) => Some(l),
            crate::report::list::Routine::NoSource { .. } => None,
        })
        .filter_map(|r| {
            let lines = r.lines.ok()?;
            Some(model::SourceRoutine {
                function: r.function,
                file: r.file,
                flat: r.flat,
                cum: r.cum,
                lines: lines
                    .into_iter()
                    .map(|l| {
                        let mut t = l.source;
                        if t.len() > 400 {
                            let mut cut = 400;
                            while !t.is_char_boundary(cut) {
                                cut -= 1;
                            }
                            t.truncate(cut);
                        }
                        (l.line, l.flat, l.cum, t)
                    })
                    .collect(),
            })
        })
        .collect();
    out.sort_by(|x, y| {
        y.cum
            .unsigned_abs()
            .cmp(&x.cum.unsigned_abs())
            .then_with(|| x.function.cmp(&y.function))
            .then_with(|| x.file.cmp(&y.file))
    });
    out
}

fn diff_view(
    base: (&Profile, &str),
    new: (&Profile, &str),
    req: &str,
    a: &PageRequest,
    names: &mut Names,
) -> Result<model::DiffData> {
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
