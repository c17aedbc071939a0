//! `heapscope trend S1 ... SN | DIR`: leak suspects across snapshots.
//! Each snapshot is read, reduced to node values and dropped before the
//! next. A folder stands for the profiles in it (what `watch` writes),
//! by file name; the report then puts the series in time order.

use super::Outcome;
use super::diff::{same_type, write_compared};
use crate::options::TrendRequest;
use crate::render;
use crate::report::nodes::NodeValues;
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

/// A trend being built, snapshot by snapshot, each checked to have the
/// first one's sample type (`trend`, `watch` and the page's Trend view).
pub(super) struct Series {
    pub(super) builder: TrendBuilder,
    /// The first snapshot (only what the type check needs) and its name.
    first: Option<(NodeValues, String)>,
}

impl Series {
    pub(super) fn new(cum: bool) -> Series {
        Series {
            builder: TrendBuilder::new(cum),
            first: None,
        }
    }

    /// Adds a snapshot named `name` in messages and `label` in the report.
    pub(super) fn add(&mut self, nv: NodeValues, name: &str, label: &str) -> Result<()> {
        if let Some((f, fname)) = &self.first {
            same_type(f, fname, &nv, name)?;
        }
        self.builder.add(&nv, label);
        if self.first.is_none() {
            // Keep only what the type check needs (not the node vectors'
            // memory).
            let kept = NodeValues {
                sample_type: nv.sample_type,
                sample_unit: nv.sample_unit,
                sample_types: nv.sample_types,
                ..Default::default()
            };
            self.first = Some((kept, name.to_string()));
        }
        Ok(())
    }

    /// Whether a snapshot was added.
    pub(super) fn started(&self) -> bool {
        self.first.is_some()
    }
}

pub fn run(a: TrendRequest) -> Result<Outcome> {
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
    let c = &a.compare;
    let req = c.sample.announce();
    let mut series = Series::new(c.cum);
    for name in &files {
        let nv = c.values(name, req)?;
        series.add(nv, name, crate::source::display_name(name))?;
    }
    let mut r = series.builder.finish(&TrendOptions {
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
    r.set_output_unit(&a.output.unit);
    write_compared(&r, &a.output, c.color, &render::trend::FORMATS)?;
    Ok(Outcome::Ok)
}
