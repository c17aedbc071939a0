//! `heapscope graph`: the call graph as pprof's `-dot`, or drawn in-process
//! as SVG or PNG. Loads (with base), picks the sample index, takes the
//! total before filtering (as pprof does), filters, trims the graph, then
//! renders it to stdout or atomically to `-o FILE`.
//!
//! One file without base or filters is decoded leanly with its labels
//! (`LeanColumns::Labeled`: the samples with a value in the column, equal
//! stacks with equal labels merged, and every distinct label list of the
//! whole profile for the tag table), which gives the full decode's graph
//! with a fraction of its samples; anything else is decoded in full.

use super::reports::prepare;
use super::{Outcome, is_stdout, shown_names, write_report};
use crate::options::{GraphFormat, GraphRequest, Selection};
use crate::profile::{self, decode};
use crate::render::{dot, graph_svg};
use crate::{aggregate, graph};
use anyhow::{Result, anyhow, bail};
use std::io::Write;

pub fn run(a: GraphRequest) -> Result<Outcome> {
    let path = a.output.as_deref();
    if a.format == GraphFormat::Png
        && path.is_none_or(is_stdout)
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        bail!("refusing to write a PNG to a terminal; write it to a file");
    }
    let r = report(&a.selection, a.options)?;
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match a.format {
            GraphFormat::Dot => dot::write_dot(&r, w),
            GraphFormat::Svg => graph_svg::write_svg(&r, w),
            GraphFormat::Png => graph_svg::write_png(&r, w),
        }
    };
    write_report(path, write)?;
    Ok(Outcome::Ok)
}

/// The graph report of the selection: leanly when it can be, else as
/// every report loads.
pub(crate) fn report(s: &Selection, mut o: graph::GraphOptions) -> Result<graph::GraphReport> {
    if let Some(l) = load_lean(s)? {
        let idx = profile::sample_index(&l.profile, s.sample.announce())
            .map_err(|e| anyhow!("{}: {e}", shown_names(&s.profiles)))?;
        o.sample_index = idx;
        let total = l.totals.total(idx);
        let t = aggregate::node_table(&l.profile, o.nodes);
        let g = graph::trimmed_graph_seen(&l.profile, &t, &o, None, Some(&l.label_lists));
        return Ok(graph::graph_report_of(
            &l.profile,
            &o,
            total,
            &s.filters.header_lines(),
            g,
        ));
    }
    let x = prepare(s)?;
    o.sample_index = x.idx;
    Ok(graph::graph_report(
        &x.p,
        &o,
        x.total,
        &s.filters.header_lines(),
    ))
}

/// The lean profile of a selection of one file without base or filters.
fn load_lean(s: &Selection) -> Result<Option<decode::LeanProfile>> {
    let plain = s.bases.base.is_empty() && s.bases.diff_base.is_empty() && s.filters.is_empty();
    if !plain {
        return Ok(None);
    }
    super::load_lean_as(
        &s.profiles,
        &s.input,
        decode::LeanColumns::Labeled(&s.sample.index),
    )
}
