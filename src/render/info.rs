//! Renders the `info` report: `Key: value` text, or the model as JSON.

use super::SCHEMA_VERSION;
use crate::report::format_time;
use crate::report::info::Info;
use serde::Serialize;
use std::io::{self, Write};

/// Text rendering, one `Key: value` line each, then the mapping table and
/// the MemStats block.
pub fn render_text(infos: &[Info], w: &mut dyn Write) -> io::Result<()> {
    for (k, i) in infos.iter().enumerate() {
        if k > 0 {
            writeln!(w)?;
        }
        writeln!(w, "File: {}", i.file)?;
        writeln!(w, "Format: {}", i.format)?;
        writeln!(w, "Producer: {}", i.producer)?;
        let types: Vec<String> = i
            .sample_types
            .iter()
            .map(|t| format!("{}/{}", t.r#type, t.unit))
            .collect();
        writeln!(w, "Sample types: {}", types.join(" "))?;
        writeln!(w, "Default sample type: {}", i.default_sample_type)?;
        if i.period_type.r#type.is_empty() && i.period_type.unit.is_empty() {
            writeln!(w, "Period: {}", i.period)?;
        } else {
            writeln!(
                w,
                "Period: {} {}/{}",
                i.period, i.period_type.r#type, i.period_type.unit
            )?;
        }
        if i.time_nanos != 0 {
            writeln!(w, "Time: {}", format_time(i.time_nanos))?;
        }
        if i.duration_nanos != 0 {
            writeln!(w, "Duration: {:.3}s", i.duration_nanos as f64 / 1e9)?;
        }
        writeln!(
            w,
            "Samples: {}  Locations: {}  Functions: {}  Mappings: {}",
            i.samples,
            i.locations,
            i.functions,
            i.mappings.len()
        )?;
        for c in &i.comments {
            writeln!(w, "Comment: {c}")?;
        }
        if !i.mappings.is_empty() {
            writeln!(w, "Mappings:")?;
            for m in &i.mappings {
                let mut extra = String::new();
                if !m.build_id.is_empty() {
                    extra.push_str(&format!(" build_id={}", m.build_id));
                }
                if m.has_functions {
                    extra.push_str(" [FN]");
                }
                let file = if m.file.is_empty() { "(none)" } else { &m.file };
                writeln!(
                    w,
                    "  {:>3}: {:#x}-{:#x} offset {:#x} {file}{extra}",
                    m.id, m.start, m.limit, m.offset
                )?;
            }
        }
        if !i.memstats.is_empty() {
            writeln!(w, "MemStats:")?;
            for m in &i.memstats {
                writeln!(w, "  {} = {}", m.name, m.value)?;
            }
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct InfoJson<'a> {
    schema_version: u32,
    command: &'static str,
    /// The default sample type, when every profile has the same one.
    sample_type: Option<super::JsonSampleType<'a>>,
    profiles: &'a [Info],
}

/// The default sample type of `i`, with its unit.
fn default_type(i: &Info) -> Option<&super::JsonSampleType<'static>> {
    i.sample_types
        .iter()
        .find(|t| t.r#type == i.default_sample_type)
}

/// JSON rendering: `{"schema_version":1,"profiles":[...]}`.
pub fn render_json(infos: &[Info], w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *w,
        &InfoJson {
            schema_version: SCHEMA_VERSION,
            command: "info",
            sample_type: infos
                .first()
                .and_then(default_type)
                .filter(|t| infos.iter().all(|i| default_type(i) == Some(t)))
                .cloned(),
            profiles: infos,
        },
    )?;
    writeln!(w)
}
