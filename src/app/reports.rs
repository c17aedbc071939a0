//! `heapscope traces`, `tree`, `peek` and `tags`: pprof's `-traces`,
//! `-tree`, `-peek` and `-tags`. Each loads (with base), picks the sample
//! index, takes the total before filtering (as pprof does), filters, then
//! builds its report and renders it.

use super::filtering::apply_filters;
use super::{Outcome, load_with_base, write_report};
use crate::cli::{Format, OutputArg, PeekArgs, ReportInput, TagsArgs, TracesArgs, TreeArgs};
use crate::filter::FilterSpec;
use crate::profile::{self, Profile};
use crate::report::tree::TreeOptions;
use crate::{render, report};
use anyhow::{Context, Result};
use std::io::Write;

/// A loaded, filtered profile with its sample index and unfiltered total.
pub(super) struct Prepared {
    pub(super) p: Profile,
    pub(super) idx: usize,
    pub(super) total: i64,
    pub(super) spec: FilterSpec,
}

/// Refuses csv and markdown for the reports that are no table.
fn table_free(format: Format, command: &str) -> Result<()> {
    match format {
        Format::Text | Format::Json => Ok(()),
        f => anyhow::bail!(f.no_table(command)),
    }
}

pub(super) fn prepare(profiles: &[String], c: &ReportInput) -> Result<Prepared> {
    prepare_as(profiles, c, false)
}

/// [`prepare`]; `aggregate`: for a report that only sums the sample type
/// over stacks (tree, peek), which may load leanly.
fn prepare_as(profiles: &[String], c: &ReportInput, aggregate: bool) -> Result<Prepared> {
    let (req, warnings) = c.sample.resolve();
    let (mut p, total_of) = if aggregate {
        let (p, t) = super::load_for_aggregate(profiles, &c.base, &c.filters, &c.input, &req)?;
        (p, Some(t))
    } else {
        (load_with_base(profiles, &c.base, &c.input)?, None)
    };
    for w in warnings {
        eprintln!("{w}");
    }
    let idx = profile::sample_index(&p, &req).map_err(anyhow::Error::msg)?;
    let total = match total_of {
        Some(t) => t(&p, idx),
        None => report::compute_total(&p, idx),
    };
    let spec = apply_filters(&mut p, &c.filters)?;
    Ok(Prepared {
        p,
        idx,
        total,
        spec,
    })
}

fn emit(
    format: Format,
    out: &OutputArg,
    text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    json: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Outcome> {
    write_report(out.output.as_deref(), |w| match format {
        Format::Text => text(w),
        Format::Json => json(w),
        Format::Csv | Format::Markdown => unreachable!("checked by table_free"),
    })?;
    Ok(Outcome::Ok)
}

pub(crate) fn traces(a: TracesArgs) -> Result<Outcome> {
    table_free(a.common.format, "traces")?;
    let x = prepare(&a.profiles, &a.common)?;
    let r = report::traces::traces(
        &x.p,
        x.idx,
        a.nodes.to_options(),
        &a.common.unit,
        x.total,
        // pprof's traces print the profile labels only, no filter block.
        &[],
    );
    emit(
        a.common.format,
        &a.out,
        |w| render::reports::traces_text(&r, w),
        |w| render::reports::traces_json(&r, w),
    )
}

fn run_tree(
    profiles: &[String],
    c: &ReportInput,
    out: &OutputArg,
    mut o: TreeOptions,
    command: &str,
) -> Result<Outcome> {
    table_free(c.format, command)?;
    let x = prepare_as(profiles, c, true)?;
    o.sample_index = x.idx;
    o.unit = c.unit.clone();
    let r = report::tree::tree(&x.p, &o, x.total, &x.spec.header_lines())?;
    emit(
        c.format,
        out,
        |w| render::reports::tree_text(&r, w),
        |w| render::reports::tree_json(&r, command, w),
    )
}

pub(crate) fn tree(a: TreeArgs) -> Result<Outcome> {
    let mut o = TreeOptions {
        nodes: a.nodes.to_options(),
        cum: a.cum,
        nodecount: a.nodecount,
        nodefraction: a.nodefraction,
        edgefraction: a.edgefraction,
        ..TreeOptions::default()
    };
    if a.no_trim {
        o.no_trim();
    }
    run_tree(&a.profiles, &a.common, &a.out, o, "tree")
}

pub(crate) fn peek(a: PeekArgs) -> Result<Outcome> {
    let rx = regex::Regex::new(&a.regex)
        .with_context(|| format!("parsing argument regexp {}", a.regex))?;
    let mut o = TreeOptions {
        nodes: a.nodes.to_options(),
        cum: a.cum,
        symbol: Some(rx),
        ..TreeOptions::default()
    };
    o.no_trim();
    run_tree(&a.profiles, &a.common, &a.out, o, "peek")
}

pub(crate) fn tags(a: TagsArgs) -> Result<Outcome> {
    table_free(a.common.format, "tags")?;
    let x = prepare(&a.profiles, &a.common)?;
    let r = report::tags::tags(&x.p, x.idx, &a.common.unit, x.total);
    emit(
        a.common.format,
        &a.out,
        |w| render::reports::tags_text(&r, w),
        |w| render::reports::tags_json(&r, w),
    )
}
