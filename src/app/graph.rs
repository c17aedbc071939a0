//! `heapscope graph`: the call graph as pprof's `-dot`, or drawn in-process
//! as SVG or PNG. Loads (with base), picks the sample index, takes the
//! total before filtering (as pprof does), filters, trims the graph, then
//! renders it to stdout or atomically to `-o FILE`.

use super::reports::prepare;
use super::{Outcome, is_stdout, write_report};
use crate::graph;
use crate::options::{GraphFormat, GraphRequest};
use crate::render::{dot, graph_svg};
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(a: GraphRequest) -> Result<Outcome> {
    let x = prepare(&a.selection)?;
    let mut o = a.options;
    o.sample_index = x.idx;
    let r = graph::graph_report(&x.p, &o, x.total, &a.selection.filters.header_lines());
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match a.format {
            GraphFormat::Dot => dot::write_dot(&r, w),
            GraphFormat::Svg => graph_svg::write_svg(&r, w),
            GraphFormat::Png => graph_svg::write_png(&r, w),
        }
    };
    let path = a.output.as_deref();
    if a.format == GraphFormat::Png
        && path.is_none_or(is_stdout)
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        bail!("refusing to write a PNG to a terminal; write it to a file");
    }
    write_report(path, write)?;
    Ok(Outcome::Ok)
}
