//! `heapscope trend S1 ... SN`: leak suspects across snapshots. Each
//! snapshot is read, reduced to node values and dropped before the next.

use super::diff::{load_values, same_type, sample_request, use_color};
use super::{Outcome, stdout_writer};
use crate::cli::{TableFormat, TrendArgs};
use crate::render;
use crate::report::trend::TrendBuilder;
use anyhow::{Result, bail};
use std::io::Write;

pub(crate) fn run(a: TrendArgs) -> Result<Outcome> {
    if a.profiles.iter().filter(|p| p.as_str() == "-").count() > 1 {
        bail!("standard input (-) can be read only once");
    }
    let req = sample_request(&a.sample);
    let opts = a.nodes.to_options();
    let mut b = TrendBuilder::new(a.cum);
    let mut first: Option<(crate::report::nodes::NodeValues, &str)> = None;
    for name in &a.profiles {
        let mut nv = load_values(name, &req, opts, &a.input)?;
        if let Some((f, fname)) = &first {
            same_type(f, fname, &nv, name)?;
        }
        b.add(&nv);
        if first.is_none() {
            // Keep only what the type check needs.
            nv.names.clear();
            nv.flat.clear();
            nv.cum.clear();
            nv.flat_var.clear();
            nv.cum_var.clear();
            first = Some((nv, name));
        }
    }
    let r = b.finish(a.nodecount);
    let mut w = stdout_writer();
    match a.format {
        TableFormat::Text => render::trend::text(&r, use_color(a.color), &mut w)?,
        TableFormat::Json => render::trend::json(&r, &mut w)?,
        TableFormat::Csv => render::trend::csv_out(&r, &mut w)?,
        TableFormat::Markdown => render::trend::markdown(&r, &mut w)?,
    }
    w.flush()?;
    Ok(Outcome::Ok)
}
