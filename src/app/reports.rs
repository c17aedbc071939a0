//! `heapscope traces`, `tree`, `peek` and `tags`: pprof's `-traces`,
//! `-tree`, `-peek` and `-tags`. Each loads (with base), picks the sample
//! index, takes the total before filtering (as pprof does), filters, then
//! builds its report and renders it. [`prepare`] is that common start,
//! shared with `top`, `graph` and `list`.

use super::filtering::apply_filters;
use super::{Outcome, load_with_base, shown_names, write_report};
use crate::options::{Format, Output, ReportRequest, Selection, TreeRequest};
use crate::profile::{self, Profile};
use crate::{render, report};
use anyhow::{Context, Result, anyhow, bail};
use std::io::Write;

/// A loaded, filtered profile with its sample index and unfiltered total.
pub(super) struct Prepared {
    pub(super) p: Profile,
    pub(super) idx: usize,
    pub(super) total: i64,
}

/// Refuses csv and markdown for the reports that are no table.
pub(super) fn table_free(format: Format, command: &str) -> Result<()> {
    if format.is_table() {
        bail!(
            "{command} is not a table: no {} output; use text or json",
            format.name()
        );
    }
    Ok(())
}

/// Loads the profiles with their bases, picks the sample index, takes
/// the total, then applies the filters.
pub(super) fn prepare(s: &Selection) -> Result<Prepared> {
    prepare_as(s, false)
}

/// [`prepare`] for a report that only sums the sample type over stacks
/// (top, tree, peek), which may load leanly (`load_for_aggregate`).
pub(super) fn prepare_aggregate(s: &Selection) -> Result<Prepared> {
    prepare_as(s, true)
}

fn prepare_as(s: &Selection, aggregate: bool) -> Result<Prepared> {
    let (mut p, total_of) = if aggregate {
        let (p, t) = super::load_for_aggregate(
            &s.profiles,
            &s.bases,
            &s.filters,
            &s.input,
            &s.sample.index,
        )?;
        (p, Some(t))
    } else {
        (load_with_base(&s.profiles, &s.bases, &s.input)?, None)
    };
    let idx = profile::sample_index(&p, s.sample.announce())
        .map_err(|e| anyhow!("{}: {e}", shown_names(&s.profiles)))?;
    let total = match &total_of {
        Some(t) => t(&p, idx),
        None => report::compute_total(&p, idx),
    };
    apply_filters(&mut p, &s.filters)?;
    Ok(Prepared { p, idx, total })
}

/// Writes a text-or-JSON report where `out` says.
fn emit(
    out: &Output,
    text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    json: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Outcome> {
    write_report(out.path.as_deref(), |w| match out.format {
        Format::Json => json(w),
        _ => text(w),
    })?;
    Ok(Outcome::Ok)
}

pub fn traces(a: ReportRequest) -> Result<Outcome> {
    table_free(a.output.format, "traces")?;
    let x = prepare(&a.selection)?;
    // pprof's traces print the profile labels only, no filter block.
    if a.output.format == Format::Json {
        let r = report::traces::traces(&x.p, x.idx, a.nodes, &a.output.unit, x.total, &[]);
        return emit(
            &a.output,
            |_| Ok(()),
            |w| render::reports::traces_json(&r, w),
        );
    }
    // Text streams: one sample's block at a time.
    let head = report::traces::traces_head(&x.p, x.idx, &a.output.unit, x.total, &[]);
    write_report(a.output.path.as_deref(), |w| {
        render::reports::traces_text_streamed(&head, &x.p, x.idx, a.nodes, w)
    })?;
    Ok(Outcome::Ok)
}

/// `tree`, or `peek` when the request holds a regex.
pub fn tree(a: TreeRequest) -> Result<Outcome> {
    let command = if a.peek.is_some() { "peek" } else { "tree" };
    table_free(a.output.format, command)?;
    let mut o = a.options;
    if let Some(rx) = &a.peek {
        o.symbol =
            Some(regex::Regex::new(rx).with_context(|| format!("parsing argument regexp {rx}"))?);
    }
    let x = prepare_aggregate(&a.selection)?;
    o.report.sample_index = x.idx;
    o.report.unit = a.output.unit.clone();
    let r = report::tree::tree(&x.p, &o, x.total, &a.selection.filters.header_lines())?;
    emit(
        &a.output,
        |w| render::reports::tree_text(&r, w),
        |w| render::reports::tree_json(&r, command, w),
    )
}

pub fn tags(a: ReportRequest) -> Result<Outcome> {
    table_free(a.output.format, "tags")?;
    let x = prepare(&a.selection)?;
    let r = report::tags::tags(&x.p, x.idx, &a.output.unit, x.total);
    emit(
        &a.output,
        |w| render::reports::tags_text(&r, w),
        |w| render::reports::tags_json(&r, w),
    )
}
