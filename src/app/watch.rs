//! `heapscope watch URL --every 30s [--count N] [--dir DIR]`: scrapes a live
//! profile repeatedly, keeps each snapshot in a folder, and prints the
//! running trend after each scrape. One snapshot is in memory at a time;
//! the trend keeps one value per node per snapshot.

use super::diff::use_color;
use super::fetch::{Opened, fetch_options};
use super::trend::Series;
use super::{Outcome, load_opened, stdout_writer};
use crate::options::{Format, WatchRequest};
use crate::output::write_atomic;
use crate::profile;
use crate::render;
use crate::report::nodes::{self, NodeValues};
use crate::report::trend::TrendOptions;
use crate::source;
use anyhow::{Context, Result, anyhow};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn run(a: WatchRequest) -> Result<Outcome> {
    if a.count == Some(0) {
        return Ok(Outcome::Ok);
    }
    std::fs::create_dir_all(&a.dir)
        .with_context(|| format!("{}: cannot create the folder", a.dir.display()))?;
    let c = &a.compare;
    let req = c.sample.announce();
    let color = use_color(c.color);
    let text = a.output.format == Format::Text;
    let mut seq = next_sequence(&a.dir);
    let mut series = Series::new(c.cum);
    let start = Instant::now();
    let mut done = 0u64;
    loop {
        let at = jiff::Timestamp::now();
        match scrape(&a, req, seq, at) {
            Ok((path, nv)) => {
                let shown = path.display().to_string();
                series.add(nv, &shown, &shown)?;
                let n = done + 1;
                let mut w = stdout_writer();
                if text {
                    writeln!(
                        w,
                        "Scrape {n}{}: {} at {}",
                        a.count.map(|c| format!("/{c}")).unwrap_or_default(),
                        path.display(),
                        at.strftime("%Y-%m-%d %H:%M:%S UTC")
                    )?;
                }
                if n < 2 {
                    if text {
                        writeln!(w, "The trend starts with the next scrape.")?;
                    }
                } else {
                    let mut r = series.builder.clone().finish(&TrendOptions {
                        nodecount: c.nodecount,
                        ..Default::default()
                    });
                    r.set_output_unit(&a.output.unit);
                    // JSON Lines: one trend document per scrape.
                    let formats = render::TableFormats {
                        json: render::trend::json_line,
                        ..render::trend::FORMATS
                    };
                    formats.write(&r, a.output.format, color, &mut w)?;
                }
                if text {
                    writeln!(w)?;
                }
                w.flush()?;
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
    if !series.started() {
        return Err(anyhow!("{}: no scrape succeeded", a.url));
    }
    Ok(Outcome::Ok)
}

/// Fetches one snapshot, checks it decodes, saves it atomically and
/// reduces it to node values.
fn scrape(
    a: &WatchRequest,
    req: &str,
    seq: u64,
    at: jiff::Timestamp,
) -> Result<(PathBuf, NodeValues)> {
    let f = source::fetch(&a.url, &fetch_options(&a.compare.input))
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
    let mut p = load_opened(&f.url, opened, &a.compare.input)?;
    write_atomic(&path, |w| w.write_all(&f.body))
        .with_context(|| format!("{}: cannot write", path.display()))?;
    drop(f);
    super::filtering::apply_filters(&mut p, &a.compare.filters)?;
    let idx = profile::sample_index(&p, req).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok((path, nodes::node_values(&p, idx, a.compare.nodes)))
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
