//! `heapscope watch URL --every 30s [--count N] [--dir DIR]`: scrapes a live
//! profile repeatedly, keeps each snapshot in a folder, and prints the
//! running trend after each scrape. One snapshot is in memory at a time;
//! the trend keeps one value per node per snapshot.

use super::diff::{same_type, sample_request, use_color};
use super::fetch::{Opened, fetch_options};
use super::{Outcome, load_opened, stdout_writer};
use crate::cli::{TableFormat, WatchArgs};
use crate::output::write_atomic;
use crate::profile;
use crate::render;
use crate::report::nodes::{self, NodeValues};
use crate::report::trend::{TrendBuilder, TrendOptions};
use crate::source;
use anyhow::{Context, Result, anyhow};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub(crate) fn run(a: WatchArgs) -> Result<Outcome> {
    if a.count == Some(0) {
        return Ok(Outcome::Ok);
    }
    a.common
        .input
        .symbolize_options()
        .map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(&a.dir)
        .with_context(|| format!("{}: cannot create the folder", a.dir.display()))?;
    let req = sample_request(&a.common.sample);
    let opts = a.common.nodes.to_options();
    let color = use_color(a.common.color);
    let mut seq = next_sequence(&a.dir);
    let mut b = TrendBuilder::new(a.common.cum);
    let mut first: Option<NodeValues> = None;
    let start = Instant::now();
    let mut done = 0u64;
    loop {
        let at = jiff::Timestamp::now();
        match scrape(&a, &req, opts, seq, at) {
            Ok((path, mut nv)) => {
                if let Some(f) = &first {
                    same_type(f, "the first snapshot", &nv, &path.display().to_string())?;
                }
                b.add(&nv, &path.display().to_string());
                let n = done + 1;
                let mut w = stdout_writer();
                if a.common.format == TableFormat::Text {
                    writeln!(
                        w,
                        "Scrape {n}{}: {} at {}",
                        a.count.map(|c| format!("/{c}")).unwrap_or_default(),
                        path.display(),
                        at.strftime("%Y-%m-%d %H:%M:%S UTC")
                    )?;
                }
                if n < 2 {
                    if a.common.format == TableFormat::Text {
                        writeln!(w, "The trend starts with the next scrape.")?;
                    }
                } else {
                    let r = b.clone().finish(&TrendOptions {
                        nodecount: a.common.nodecount,
                        ..Default::default()
                    });
                    match a.common.format {
                        TableFormat::Text => render::trend::text(&r, color, &mut w)?,
                        TableFormat::Json => render::trend::json_line(&r, &mut w)?,
                        TableFormat::Csv => render::trend::csv_out(&r, &mut w)?,
                        TableFormat::Markdown => render::trend::markdown(&r, &mut w)?,
                    }
                }
                if a.common.format == TableFormat::Text {
                    writeln!(w)?;
                }
                w.flush()?;
                if first.is_none() {
                    // Keep only what the type check needs.
                    nv.names.clear();
                    nv.flat.clear();
                    nv.cum.clear();
                    nv.flat_var.clear();
                    nv.cum_var.clear();
                    first = Some(nv);
                }
                seq += 1;
            }
            // A first scrape that fails is a mistake (wrong URL, wrong
            // port); a later one is a hiccup of a live server.
            Err(e) if done == 0 => return Err(e),
            Err(e) => eprintln!("heapscope: warning: scrape {}: {e:#}", done + 1),
        }
        done += 1;
        if a.count.is_some_and(|c| done >= c) {
            break;
        }
        // Ticks are start + k × every; a scrape that overran skips ahead.
        let every = a.every.as_secs_f64();
        let elapsed = start.elapsed().as_secs_f64();
        let k = (elapsed / every).floor() + 1.0;
        let wait = k * every - elapsed;
        std::thread::sleep(Duration::from_secs_f64(wait.max(0.0)));
    }
    if first.is_none() {
        return Err(anyhow!("{}: no scrape succeeded", a.url));
    }
    Ok(Outcome::Ok)
}

/// Fetches one snapshot, checks it decodes, saves it atomically and
/// reduces it to node values.
fn scrape(
    a: &WatchArgs,
    req: &str,
    opts: crate::aggregate::NodeOptions,
    seq: u64,
    at: jiff::Timestamp,
) -> Result<(PathBuf, NodeValues)> {
    let f = source::fetch(&a.url, &fetch_options(&a.common.input))
        .map_err(|(url, e)| anyhow!("{url}: {e}"))?;
    let gz = f.body.starts_with(&[0x1f, 0x8b]);
    let name = format!(
        "{seq:06}-{}.{}",
        at.strftime("%Y%m%dT%H%M%S%.3fZ"),
        if gz { "pb.gz" } else { "prof" }
    );
    let path = a.dir.join(name);
    // Decode from memory first, so that an error page is reported as
    // such and never saved.
    let opened = Opened {
        reader: Box::new(&f.body[..]),
        content_type: f.content_type.clone(),
    };
    let mut p = load_opened(&f.url, opened, &a.common.input)?;
    write_atomic(&path, |w| w.write_all(&f.body))
        .with_context(|| format!("{}: cannot write", path.display()))?;
    drop(f);
    super::filtering::apply_filters(&mut p, &a.common.filters)?;
    let idx = profile::sample_index(&p, req).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok((path, nodes::node_values(&p, idx, opts)))
}

/// The sequence number after the highest one already in `dir`, so that a
/// second watch into the same folder never overwrites a snapshot.
fn next_sequence(dir: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 1;
    };
    rd.filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name();
            let n = n.to_str()?;
            let (num, _) = n.split_once('-')?;
            num.parse::<u64>().ok()
        })
        .max()
        .map_or(1, |m| m + 1)
}
