//! Renders the `list` report: text in pprof's `-list` layout, or JSON.

use crate::report::list::{ListReport, Routine, SourceLine};
use crate::units;
use serde::Serialize;
use std::io::{self, Write};

/// pprof's `-list` text: a total, then per routine a header, its flat and
/// cum, and the source window (`.` for zero).
pub fn list_text(r: &ListReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "Total: {}", r.format_value(r.total))?;
    let dot = |v: i64| {
        if v == 0 {
            ".".to_string()
        } else {
            r.format_value(v)
        }
    };
    for routine in &r.routines {
        let l = match routine {
            Routine::Listed(l) => l,
            Routine::NoSource { function } => {
                writeln!(w, "No source information for {function}")?;
                continue;
            }
        };
        writeln!(
            w,
            "ROUTINE ======================== {} in {}",
            l.function, l.file
        )?;
        writeln!(
            w,
            "{:>10} {:>10} (flat, cum) {} of Total",
            r.format_value(l.flat),
            r.format_value(l.cum),
            units::percentage(l.cum, r.total)
        )?;
        match &l.lines {
            Err(e) => writeln!(w, " Error: {e}")?,
            Ok(lines) => {
                for s in lines {
                    writeln!(
                        w,
                        "{:>10} {:>10} {:>6}:{}",
                        dot(s.flat),
                        dot(s.cum),
                        s.line,
                        s.source
                    )?;
                }
            }
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonList<'a> {
    total: i64,
    routines: Vec<JsonRoutine<'a>>,
}

#[derive(Serialize)]
struct JsonRoutine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cum: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flat: Option<i64>,
    function: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Vec<JsonLine<'a>>>,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    cum: i64,
    flat: i64,
    line: i64,
    source: &'a str,
}

impl<'a> From<&'a SourceLine> for JsonLine<'a> {
    fn from(s: &'a SourceLine) -> Self {
        JsonLine {
            cum: s.cum,
            flat: s.flat,
            line: s.line,
            source: &s.source,
        }
    }
}

/// The report as JSON: `{"command":"list", "routines":[...], ...}`.
pub fn list_json(r: &ListReport, w: &mut dyn Write) -> io::Result<()> {
    let routines = r
        .routines
        .iter()
        .map(|routine| match routine {
            Routine::NoSource { function } => JsonRoutine {
                cum: None,
                error: Some("no source information"),
                file: None,
                flat: None,
                function,
                lines: None,
            },
            Routine::Listed(l) => JsonRoutine {
                cum: Some(l.cum),
                error: l.lines.as_ref().err().map(String::as_str),
                file: Some(&l.file),
                flat: Some(l.flat),
                function: &l.function,
                lines: l
                    .lines
                    .as_ref()
                    .ok()
                    .map(|ls| ls.iter().map(JsonLine::from).collect()),
            },
        })
        .collect();
    let doc = JsonList {
        total: r.total,
        routines,
    };
    let st = super::JsonSampleType::new(&r.sample_type, &r.sample_unit);
    super::write_json(w, "list", st, doc, true)
}
