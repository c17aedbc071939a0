//! `diff` renderers: a table for the terminal, JSON, CSV and Markdown.

use super::table::{self, Scale, md};
use crate::report::diff::{DiffReport, DiffRow, Status};
use comfy_table::Cell;
use serde::Serialize;
use std::io::{self, Write};

/// The sample unit and the unit values print in.
fn scale(r: &DiffReport) -> Scale<'_> {
    Scale {
        from: &r.sample_unit,
        to: &r.output_unit,
    }
}

fn what(r: &DiffReport) -> &'static str {
    if r.cum { "cum" } else { "flat" }
}

/// The delta% column: a percentage, or NEW / GONE.
fn marker(row: &DiffRow) -> String {
    match row.status {
        Status::New => "NEW".into(),
        Status::Gone => "GONE".into(),
        _ => table::pct(row.delta_percent()),
    }
}

/// The lines above the table.
pub fn header_lines(r: &DiffReport) -> Vec<String> {
    let u = scale(r);
    let mut out = vec![
        format!("Type: {} ({} values)", r.sample_type, what(r)),
        format!(
            "Base: {}  total {}",
            r.base_name,
            table::value(r.base_total.value, u)
        ),
        format!(
            "New:  {}  total {}",
            r.new_name,
            table::value(r.new_total.value, u)
        ),
    ];
    let mut d = format!(
        "Delta: {} ({})",
        table::delta(r.delta_total(), u),
        table::pct(crate::report::diff::percent(
            r.delta_total(),
            r.base_total.value
        ))
    );
    let n = table::noise(r.delta_sigma(), u);
    if !n.is_empty() {
        d.push_str(&format!(", sampling noise {n} (2σ)"));
    }
    out.push(d);
    out
}

/// The terminal table.
pub fn text(r: &DiffReport, color: bool, w: &mut dyn Write) -> io::Result<()> {
    for l in header_lines(r) {
        writeln!(w, "{l}")?;
    }
    let u = scale(r);
    let mut t = table::new_table(
        &["delta", "delta%", "base", "new", "±2σ", "name"],
        &[0, 1, 2, 3, 4],
        color,
    );
    for row in &r.rows {
        t.add_row(vec![
            table::signed_cell(table::delta(row.delta, u), row.delta, color),
            table::signed_cell(marker(row), row.delta, color),
            Cell::new(table::value(row.base, u)),
            Cell::new(table::value(row.new, u)),
            Cell::new(table::noise(row.sigma, u)),
            Cell::new(&row.name),
        ]);
    }
    table::write_rows(&t, r.rows.is_empty(), r.hidden, w)
}

#[derive(Serialize)]
struct JsonRow<'a> {
    name: &'a str,
    base: i64,
    new: i64,
    delta: i64,
    delta_percent: Option<f64>,
    status: &'static str,
    sigma: f64,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    compare: &'static str,
    base: &'a str,
    new: &'a str,
    base_total: i64,
    new_total: i64,
    delta_total: i64,
    delta_total_sigma: f64,
    hidden_rows: usize,
    rows: Vec<JsonRow<'a>>,
}

/// JSON: integers in the sample type's unit; sigma is the standard error
/// of each delta (0 when the profiles are not sampled).
pub fn json(r: &DiffReport, w: &mut dyn Write) -> io::Result<()> {
    let doc = JsonDiff {
        compare: what(r),
        base: &r.base_name,
        new: &r.new_name,
        base_total: r.base_total.value,
        new_total: r.new_total.value,
        delta_total: r.delta_total(),
        delta_total_sigma: table::round(r.delta_sigma(), 1),
        hidden_rows: r.hidden,
        rows: r
            .rows
            .iter()
            .map(|row| JsonRow {
                name: &row.name,
                base: row.base,
                new: row.new,
                delta: row.delta,
                delta_percent: row.delta_percent().map(|p| table::round(p, 4)),
                status: row.status.as_str(),
                sigma: table::round(row.sigma, 1),
            })
            .collect(),
    };
    let st = super::JsonSampleType::new(&r.sample_type, &r.sample_unit);
    super::write_json(w, "diff", st, doc, true)
}

/// `diff` in each format.
pub const FORMATS: super::TableFormats<DiffReport> = super::TableFormats {
    text,
    json,
    csv: csv_out,
    markdown,
};

/// CSV: one header line, then one line per row; raw integers.
pub fn csv_out(r: &DiffReport, w: &mut dyn Write) -> io::Result<()> {
    let header = [
        "name",
        "base",
        "new",
        "delta",
        "delta_percent",
        "status",
        "sigma",
    ];
    let rows = r.rows.iter().map(|row| {
        vec![
            row.name.clone(),
            row.base.to_string(),
            row.new.to_string(),
            row.delta.to_string(),
            row.delta_percent()
                .map(|p| format!("{p:.4}"))
                .unwrap_or_default(),
            row.status.as_str().to_string(),
            format!("{:.1}", row.sigma),
        ]
    });
    table::write_csv(&header, rows, w)
}

/// Markdown: the header as a list, then a table.
pub fn markdown(r: &DiffReport, w: &mut dyn Write) -> io::Result<()> {
    let u = scale(r);
    table::markdown_header(w, "diff", header_lines(r))?;
    writeln!(w, "| delta | delta% | base | new | ±2σ | name |")?;
    writeln!(w, "|---:|---:|---:|---:|---:|:---|")?;
    for row in &r.rows {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} |",
            table::delta(row.delta, u),
            marker(row),
            table::value(row.base, u),
            table::value(row.new, u),
            table::noise(row.sigma, u),
            md(&row.name)
        )?;
    }
    table::markdown_hidden(r.hidden, w)
}
