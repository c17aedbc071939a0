//! Renderers: turn a report model into text (pprof's exact layout) or
//! versioned JSON. They format numbers the report already holds and never
//! look at a profile.

pub mod callgrind;
pub mod check;
pub mod diff;
pub mod dot;
pub mod flame;
pub mod graph_svg;
pub mod info;
pub mod layout;
pub mod list;
pub mod reports;
mod table;
pub mod trend;

pub(crate) use table::escape_markup;

use crate::options::Format;
use crate::report::TopReport;
use crate::units;
use serde::Serialize;
use std::io::{self, Write};

/// The renderers of a report that is a table, one per [`Format`]; `text`
/// takes whether to colour.
pub struct TableFormats<R> {
    pub text: fn(&R, bool, &mut dyn Write) -> io::Result<()>,
    pub json: fn(&R, &mut dyn Write) -> io::Result<()>,
    pub csv: fn(&R, &mut dyn Write) -> io::Result<()>,
    pub markdown: fn(&R, &mut dyn Write) -> io::Result<()>,
}

impl<R> TableFormats<R> {
    /// Writes `r` in `format`.
    pub fn write(&self, r: &R, format: Format, color: bool, w: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Text => (self.text)(r, color, w),
            Format::Json => (self.json)(r, w),
            Format::Csv => (self.csv)(r, w),
            Format::Markdown => (self.markdown)(r, w),
        }
    }
}

/// `top` in each format (its text is never coloured).
pub const TOP: TableFormats<TopReport> = TableFormats {
    text: |r, _, w| top_text(r, w),
    json: top_json,
    csv: top_csv,
    markdown: top_markdown,
};

/// `top` as pprof's `-top` prints it.
pub fn top_text(r: &TopReport, w: &mut dyn Write) -> io::Result<()> {
    for l in r.header_lines() {
        writeln!(w, "{l}")?;
    }
    writeln!(
        w,
        "{:>10} {:>5}% {:>5}% {:>10} {:>5}%",
        "flat", "flat", "sum", "cum", "cum"
    )?;
    let mut sum = 0i64;
    for row in &r.rows {
        sum = sum.wrapping_add(row.flat);
        let inl = row.inline.as_str();
        let sep = if inl.is_empty() { "" } else { " " };
        let values = value_columns(|v| r.format_value(v), r.total, row.flat, sum, row.cum);
        writeln!(w, "{values}  {}{sep}{inl}", row.name)?;
    }
    Ok(())
}

/// pprof's five value columns of a node's text line (flat, flat%, sum%,
/// cum, cum%), as `top` and `tree` print them; `sum` is the running flat.
pub(crate) fn value_columns(
    value: impl Fn(i64) -> String,
    total: i64,
    flat: i64,
    sum: i64,
    cum: i64,
) -> String {
    format!(
        "{:>10} {} {} {:>10} {}",
        value(flat),
        units::percentage(flat, total),
        units::percentage(sum, total),
        value(cum),
        units::percentage(cum, total),
    )
}

/// The rows of `top` with pprof's columns, formatted as the text report
/// formats them.
fn top_cells(r: &TopReport) -> Vec<Vec<String>> {
    let mut sum = 0i64;
    r.rows
        .iter()
        .map(|row| {
            sum = sum.wrapping_add(row.flat);
            let inl = row.inline.as_str();
            vec![
                r.format_value(row.flat),
                units::percentage(row.flat, r.total).trim().to_string(),
                units::percentage(sum, r.total).trim().to_string(),
                r.format_value(row.cum),
                units::percentage(row.cum, r.total).trim().to_string(),
                if inl.is_empty() {
                    row.name.clone()
                } else {
                    format!("{} {inl}", row.name)
                },
            ]
        })
        .collect()
}

const TOP_HEADER: [&str; 6] = ["flat", "flat%", "sum%", "cum", "cum%", "name"];

/// `top` as CSV: the header lines are left out; values are raw numbers in
/// the sample unit, so that a spreadsheet can sum them.
pub fn top_csv(r: &TopReport, w: &mut dyn Write) -> io::Result<()> {
    let mut sum = 0i64;
    let rows = r.rows.iter().map(|row| {
        sum = sum.wrapping_add(row.flat);
        vec![
            row.flat.to_string(),
            units::percentage(row.flat, r.total).trim().to_string(),
            units::percentage(sum, r.total).trim().to_string(),
            row.cum.to_string(),
            units::percentage(row.cum, r.total).trim().to_string(),
            row.name.clone(),
            row.inline
                .as_str()
                .trim_matches(|c| c == '(' || c == ')')
                .to_string(),
        ]
    });
    let mut header = TOP_HEADER.to_vec();
    header.push("inline");
    table::write_csv(&header, rows, w)
}

/// `top` as a Markdown table, after the header lines.
pub fn top_markdown(r: &TopReport, w: &mut dyn Write) -> io::Result<()> {
    for l in r.header_lines() {
        writeln!(w, "{}  ", table::md(&l))?;
    }
    writeln!(w)?;
    table::write_markdown(&TOP_HEADER, &[0, 1, 2, 3, 4], top_cells(r), w)
}

/// The JSON schema version of every JSON output.
pub const SCHEMA_VERSION: u32 = 1;

pub(crate) use crate::report::JsonSampleType;

/// The envelope of every command's JSON: `schema_version`, `command` and
/// `sample_type`, then the report's own fields.
#[derive(Serialize)]
struct Envelope<'a, T> {
    schema_version: u32,
    command: &'a str,
    sample_type: JsonSampleType<'a>,
    #[serde(flatten)]
    report: T,
}

/// Writes `report` inside the [`Envelope`] as JSON, indented (`pretty`)
/// or on one line, with a final newline.
pub(crate) fn write_json<T: Serialize>(
    w: &mut dyn Write,
    command: &str,
    sample_type: JsonSampleType<'_>,
    report: T,
    pretty: bool,
) -> io::Result<()> {
    let doc = Envelope {
        schema_version: SCHEMA_VERSION,
        command,
        sample_type,
        report,
    };
    if pretty {
        serde_json::to_writer_pretty(&mut *w, &doc)?;
    } else {
        serde_json::to_writer(&mut *w, &doc)?;
    }
    writeln!(w)
}

#[derive(Serialize)]
struct JsonTopRow<'a> {
    name: &'a str,
    flat: i64,
    cum: i64,
    #[serde(skip_serializing_if = "str::is_empty")]
    inline: &'a str,
}

#[derive(Serialize)]
struct JsonTop<'a> {
    total: i64,
    shown_total: i64,
    dropped_nodes: usize,
    header: Vec<String>,
    rows: Vec<JsonTopRow<'a>>,
}

/// `top` as JSON: integers in the sample type's own unit, rows in the order
/// and trimming of the text output.
pub fn top_json(r: &TopReport, w: &mut dyn Write) -> io::Result<()> {
    let doc = JsonTop {
        total: r.total,
        shown_total: r.shown_total,
        dropped_nodes: r.dropped_nodes,
        header: r.header_lines(),
        rows: r
            .rows
            .iter()
            .map(|row| JsonTopRow {
                name: &row.name,
                flat: row.flat,
                cum: row.cum,
                inline: row.inline.as_str().trim_matches(|c| c == '(' || c == ')'),
            })
            .collect(),
    };
    let st = JsonSampleType::new(&r.sample_type, &r.sample_unit);
    write_json(w, "top", st, doc, true)
}
