//! `heapscope graph`: the call graph as pprof's `-dot`, or drawn in-process
//! as SVG or PNG. Loads (with base), picks the sample index, takes the
//! total before filtering (as pprof does), filters, trims the graph, then
//! renders it to stdout or atomically to `-o FILE`.

use super::filtering::apply_filters;
use super::{Outcome, load_with_base, stdout_writer};
use crate::cli::{GraphArgs, GraphFormat};
use crate::graph::{self, GraphOptions};
use crate::render::{dot, graph_svg};
use crate::{output, profile, report};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;

/// The format asked for, else the one the output file's extension names.
fn pick_format(a: &GraphArgs) -> Result<GraphFormat> {
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

pub(crate) fn run(a: GraphArgs) -> Result<Outcome> {
    let format = pick_format(&a)?;
    let mut p = load_with_base(&a.profiles, &a.base, &a.input)?;
    let (req, warnings) = a.sample.resolve();
    for w in warnings {
        eprintln!("{w}");
    }
    let idx = profile::sample_index(&p, &req)
        .map_err(|e| anyhow::anyhow!("{}: {e}", super::shown_names(&a.profiles)))?;
    let total = report::compute_total(&p, idx);
    let spec = apply_filters(&mut p, &a.filters)?;
    let mut o = GraphOptions {
        sample_index: idx,
        nodes: a.nodes.to_options(),
        nodecount: a.nodecount,
        nodefraction: a.nodefraction,
        edgefraction: a.edgefraction,
        unit: a.unit.clone(),
        ..GraphOptions::default()
    };
    if a.no_trim {
        o.no_trim();
    }
    let r = graph::graph_report(&p, &o, total, &spec.header_lines());
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
