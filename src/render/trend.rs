//! `trend` renderers: a ranked table with sparklines, JSON, CSV, Markdown.

use super::table::{self, Scale, md};
use crate::report::trend::{Kind, Order, Reach, TrendReport, TrendRow, human_duration, sparkline};
use comfy_table::{Cell, Color};
use serde::Serialize;
use std::io::{self, Write};

/// Widest sparkline printed.
const SPARK_WIDTH: usize = 40;

/// The sample unit and the unit values print in.
fn scale(r: &TrendReport) -> Scale<'_> {
    Scale {
        from: &r.sample_unit,
        to: &r.output_unit,
    }
}

fn slope_text(v: f64, unit: Scale, per: &str) -> String {
    let r = v.round() as i64;
    format!("{}{per}", table::delta(r, unit))
}

fn per_sec(row: &TrendRow, unit: Scale) -> String {
    row.slope_per_sec
        .map(|s| slope_text(s, unit, "/s"))
        .unwrap_or_else(|| "-".into())
}

/// The lines above the table.
pub fn header_lines(r: &TrendReport) -> Vec<String> {
    let u = scale(r);
    let mut out = vec![format!(
        "Type: {} ({} values), {} snapshots",
        r.sample_type,
        if r.cum { "cum" } else { "flat" },
        r.snapshots
    )];
    if let (Some(first), Some(last)) = (r.totals.first(), r.totals.last()) {
        out.push(format!(
            "Total: {} -> {} {}",
            table::value(*first, u),
            table::value(*last, u),
            sparkline(&r.totals, SPARK_WIDTH)
        ));
    }
    // The span of the recorded times (never negative, whatever the order).
    if !r.times.is_empty() && r.times.iter().all(|&t| t != 0) {
        let t0 = r.times.iter().copied().min().unwrap_or(0);
        let t1 = r.times.iter().copied().max().unwrap_or(0);
        out.push(format!(
            "Span: {}",
            crate::units::label(t1.wrapping_sub(t0), "nanoseconds")
        ));
    }
    out.push(format!("Order: {}", order_text(r.order)));
    if let Some((limit, reach)) = r.limit {
        let l = table::value(limit, u);
        out.push(match reach {
            Reach::NoTimes => format!(
                "Limit {l}: cannot project, the snapshots record no times (no rate per second)"
            ),
            _ => format!(
                "Limit {l}: the total {}{}",
                reach_text(reach, &l),
                r.total_slope_per_sec
                    .filter(|s| *s > 0.0)
                    .map(|s| format!(" (at {})", slope_text(s, u, "/s")))
                    .unwrap_or_default()
            ),
        });
    }
    out
}

/// How the series was ordered, in words.
pub fn order_text(o: Order) -> String {
    match o {
        Order::Time { moved: false } => "by recorded time (as given)".into(),
        Order::Time { moved: true } => "by recorded time (not argument order)".into(),
        Order::Kept => "as given (--keep-order)".into(),
        Order::NoTimes { missing } => {
            format!("as given ({missing} snapshot(s) record no time)")
        }
    }
}

/// "reaches 2GiB in about 3h10m", "is already over 2GiB", ...
pub fn reach_text(r: Reach, limit: &str) -> String {
    match r {
        Reach::Already => format!("is already at or over {limit}"),
        Reach::In(s) => format!("reaches {limit} in about {}", human_duration(s)),
        Reach::Never => format!("is not growing: never reaches {limit} at this rate"),
        Reach::NoTimes => "cannot be projected: the snapshots record no times".into(),
    }
}

fn reach_cell(r: Option<Reach>) -> String {
    match r {
        Some(Reach::Already) => "already".into(),
        Some(Reach::In(s)) => format!("~{}", human_duration(s)),
        Some(Reach::Never) => "never".into(),
        Some(Reach::NoTimes) => "no times".into(),
        None => "-".into(),
    }
}

fn reach_seconds(r: Option<Reach>) -> Option<f64> {
    match r {
        Some(Reach::In(s)) => Some(table::round(s, 1)),
        Some(Reach::Already) => Some(0.0),
        _ => None,
    }
}

/// The terminal table, suspects first.
pub fn text(r: &TrendReport, color: bool, w: &mut dyn Write) -> io::Result<()> {
    for l in header_lines(r) {
        writeln!(w, "{l}")?;
    }
    let u = scale(r);
    let mut head = vec![
        "kind",
        "score",
        "slope/snap",
        "slope/s",
        "first",
        "last",
        "trend",
        "name",
    ];
    if r.limit.is_some() {
        head.insert(6, "reaches in");
    }
    let mut t = table::new_table(&head, &[1, 2, 3, 4, 5], color);
    for row in &r.rows {
        let kind = Cell::new(row.kind.as_str());
        let kind = match (color, row.kind) {
            (true, Kind::Grows) => kind.fg(Color::Red),
            (true, Kind::Shrinks) => kind.fg(Color::Green),
            _ => kind,
        };
        let mut cells = vec![
            kind,
            Cell::new(format!("{:.2}", row.score)),
            Cell::new(slope_text(row.slope, u, "")),
            Cell::new(per_sec(row, u)),
            Cell::new(table::value(*row.values.first().unwrap_or(&0), u)),
            Cell::new(table::value(*row.values.last().unwrap_or(&0), u)),
            Cell::new(sparkline(&row.values, SPARK_WIDTH)),
            Cell::new(&row.name),
        ];
        if r.limit.is_some() {
            cells.insert(6, Cell::new(reach_cell(row.reach)));
        }
        t.add_row(cells);
    }
    table::write_rows(&t, r.rows.is_empty(), r.hidden, w)
}

#[derive(Serialize)]
struct JsonRow<'a> {
    name: &'a str,
    values: &'a [i64],
    slope: f64,
    slope_per_sec: Option<f64>,
    score: f64,
    monotonicity: f64,
    r2: f64,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reaches_limit_in_seconds: Option<f64>,
}

#[derive(Serialize)]
struct JsonLimit {
    limit: i64,
    /// Seconds until the total reaches the limit (0: already), null when
    /// it does not grow or cannot be projected.
    total_reaches_in_seconds: Option<f64>,
    projection: &'static str,
}

#[derive(Serialize)]
struct JsonTrend<'a> {
    compare: &'static str,
    snapshots: usize,
    order: &'static str,
    files: &'a [String],
    time_nanos: &'a [i64],
    totals: &'a [i64],
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<JsonLimit>,
    hidden_rows: usize,
    rows: Vec<JsonRow<'a>>,
}

/// JSON: rows in ranking order; values are integers in the sample type's
/// unit, slopes in that unit per snapshot (per second).
pub fn json(r: &TrendReport, w: &mut dyn Write) -> io::Result<()> {
    json_doc(r, w, true)
}

/// The JSON document of [`json`] on one line (JSON Lines, for `watch`).
pub fn json_line(r: &TrendReport, w: &mut dyn Write) -> io::Result<()> {
    json_doc(r, w, false)
}

fn json_doc(r: &TrendReport, w: &mut dyn Write, pretty: bool) -> io::Result<()> {
    let doc = JsonTrend {
        compare: if r.cum { "cum" } else { "flat" },
        snapshots: r.snapshots,
        order: match r.order {
            Order::Time { .. } => "time",
            Order::Kept => "arguments",
            Order::NoTimes { .. } => "arguments (no times)",
        },
        files: &r.labels,
        time_nanos: &r.times,
        totals: &r.totals,
        limit: r.limit.map(|(limit, reach)| JsonLimit {
            limit,
            total_reaches_in_seconds: reach_seconds(Some(reach)),
            projection: match reach {
                Reach::Already => "already",
                Reach::In(_) => "projected",
                Reach::Never => "not growing",
                Reach::NoTimes => "no times",
            },
        }),
        hidden_rows: r.hidden,
        rows: r
            .rows
            .iter()
            .map(|x| JsonRow {
                name: &x.name,
                values: &x.values,
                slope: table::round(x.slope, 2),
                slope_per_sec: x.slope_per_sec.map(|s| table::round(s, 2)),
                score: table::round(x.score, 4),
                monotonicity: table::round(x.monotonicity, 4),
                r2: table::round(x.r2, 4),
                kind: x.kind.as_str(),
                reaches_limit_in_seconds: reach_seconds(x.reach),
            })
            .collect(),
    };
    let st = super::JsonSampleType::new(&r.sample_type, &r.sample_unit);
    super::write_json(w, "trend", st, doc, pretty)
}

/// `trend` in each format.
pub const FORMATS: super::TableFormats<TrendReport> = super::TableFormats {
    text,
    json,
    csv: csv_out,
    markdown,
};

/// CSV: one line per node; the values joined by `;` in one field.
pub fn csv_out(r: &TrendReport, w: &mut dyn Write) -> io::Result<()> {
    let header = ["name", "kind", "score", "slope", "slope_per_sec", "values"];
    let rows = r.rows.iter().map(|x| {
        let values: Vec<String> = x.values.iter().map(i64::to_string).collect();
        vec![
            x.name.clone(),
            x.kind.as_str().to_string(),
            format!("{:.4}", x.score),
            format!("{:.2}", x.slope),
            x.slope_per_sec
                .map(|s| format!("{s:.2}"))
                .unwrap_or_default(),
            values.join(";"),
        ]
    });
    table::write_csv(&header, rows, w)
}

/// Markdown: header list and a table with sparklines.
pub fn markdown(r: &TrendReport, w: &mut dyn Write) -> io::Result<()> {
    let u = scale(r);
    table::markdown_header(w, "trend", header_lines(r))?;
    writeln!(
        w,
        "| kind | score | slope/snap | slope/s | first | last | trend | name |"
    )?;
    writeln!(w, "|:---|---:|---:|---:|---:|---:|:---|:---|")?;
    for x in &r.rows {
        writeln!(
            w,
            "| {} | {:.2} | {} | {} | {} | {} | {} | {} |",
            x.kind.as_str(),
            x.score,
            slope_text(x.slope, u, ""),
            per_sec(x, u),
            table::value(*x.values.first().unwrap_or(&0), u),
            table::value(*x.values.last().unwrap_or(&0), u),
            sparkline(&x.values, SPARK_WIDTH),
            md(&x.name)
        )?;
    }
    table::markdown_hidden(r.hidden, w)
}
