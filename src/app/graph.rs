//! `heapscope graph`: the call graph as pprof's `-dot`, or drawn in-process
//! as SVG or PNG. Loads (with base), picks the sample index, takes the
//! total before filtering (as pprof does), filters, trims the graph, then
//! renders it to stdout or atomically to `-o FILE`.

use super::reports::prepare;
use super::{Outcome, stdout_writer};
use crate::graph;
use crate::options::{GraphFormat, GraphRequest};
use crate::output;
use crate::render::{dot, graph_svg};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;

/// The format asked for, else the one the output file's extension names.
fn pick_format(a: &GraphRequest) -> Result<GraphFormat> {
    if let Some(f) = a.format {
        return Ok(f);
    }
    let ext = a
        .output
        .as_deref()
        .filter(|p| *p != Path::new("-"))
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    Ok(match ext.as_deref() {
        None | Some("dot") | Some("gv") => GraphFormat::Dot,
        Some("svg") => GraphFormat::Svg,
        Some("png") => GraphFormat::Png,
        Some(other) => {
            bail!("cannot tell the format from the extension .{other}; use --format dot|svg|png")
        }
    })
}

pub fn run(a: GraphRequest) -> Result<Outcome> {
    let format = pick_format(&a)?;
    let x = prepare(&a.selection)?;
    let mut o = a.options;
    o.sample_index = x.idx;
    let r = graph::graph_report(&x.p, &o, x.total, &a.selection.filters.header_lines());
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match format {
            GraphFormat::Dot => dot::write_dot(&r, w),
            GraphFormat::Svg => graph_svg::write_svg(&r, w),
            GraphFormat::Png => graph_svg::write_png(&r, w),
        }
    };
    match a.output.as_deref() {
        Some(path) if path != Path::new("-") => output::write_atomic(path, write)
            .with_context(|| format!("writing {}", path.display()))?,
        _ => {
            if format == GraphFormat::Png && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                bail!("refusing to write a PNG to a terminal; use -o FILE.png");
            }
            let mut w = stdout_writer();
            write(&mut w)?;
            w.flush()?;
        }
    }
    Ok(Outcome::Ok)
}
