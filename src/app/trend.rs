//! `heapscope trend S1 ... SN | DIR`: leak suspects across snapshots.
//! Each snapshot is read, reduced to node values and dropped before the
//! next. A folder stands for the profiles in it (what `watch` writes),
//! by file name; the report then puts the series in time order.

use super::diff::{load_values, same_type, sample_request, use_color};
use super::{Outcome, write_report};
use crate::cli::{TableFormat, TrendArgs};
use crate::render;
use crate::report::trend::{Order, TrendBuilder, TrendOptions};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// The snapshots named by the arguments: a folder stands for its files
/// (hidden ones and temporary `.tmp` files left out), sorted by name.
pub(super) fn expand(args: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for a in args {
        let p = Path::new(a);
        if a != "-" && p.is_dir() {
            let mut files: Vec<String> = std::fs::read_dir(p)
                .with_context(|| format!("{a}: cannot read the folder"))?
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| {
                    let n = e.file_name().to_str()?.to_string();
                    (!n.starts_with('.') && !n.ends_with(".tmp"))
                        .then(|| e.path().to_string_lossy().into_owned())
                })
                .collect();
            if files.is_empty() {
                bail!("{a}: the folder holds no snapshot");
            }
            files.sort();
            out.extend(files);
        } else {
            out.push(a.clone());
        }
    }
    Ok(out)
}

pub(crate) fn run(a: TrendArgs) -> Result<Outcome> {
    let files = expand(&a.profiles)?;
    if files.len() < 2 {
        bail!(
            "trend needs at least two snapshots, got {}: {}",
            files.len(),
            files.join(" ")
        );
    }
    if files.iter().filter(|p| p.as_str() == "-").count() > 1 {
        bail!("standard input (-) can be read only once");
    }
    let c = &a.common;
    let req = sample_request(&c.sample);
    let opts = c.nodes.to_options();
    let mut b = TrendBuilder::new(c.cum);
    let mut first: Option<(crate::report::nodes::NodeValues, &str)> = None;
    for name in &files {
        let mut nv = load_values(name, &req, opts, &c.filters, &c.input)?;
        if let Some((f, fname)) = &first {
            same_type(f, fname, &nv, name)?;
        }
        b.add(&nv, crate::source::display_name(name));
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
    let r = b.finish(&TrendOptions {
        nodecount: c.nodecount,
        keep_order: a.keep_order,
        limit: a.limit,
    });
    match r.order {
        Order::Time { moved: true } => {
            const SHOWN: usize = 8;
            let mut list: Vec<&str> = r.labels.iter().take(SHOWN).map(String::as_str).collect();
            if r.labels.len() > SHOWN {
                list.push("...");
            }
            eprintln!(
                "heapscope: note: snapshots put in the order of the times they record, \
                 not argument order: {} (--keep-order keeps argument order)",
                list.join(" ")
            );
        }
        Order::NoTimes { missing } if missing < r.snapshots => eprintln!(
            "heapscope: note: {missing} of {} snapshots record no time: kept in argument order",
            r.snapshots
        ),
        _ => {}
    }
    let out = a.out.output.as_deref();
    let color = out.is_none_or(super::is_stdout) && use_color(c.color);
    write_report(out, |w| match c.format {
        TableFormat::Text => render::trend::text(&r, color, w),
        TableFormat::Json => render::trend::json(&r, w),
        TableFormat::Csv => render::trend::csv_out(&r, w),
        TableFormat::Markdown => render::trend::markdown(&r, w),
    })?;
    Ok(Outcome::Ok)
}
