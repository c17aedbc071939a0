//! Text and JSON for `traces`, `tree`/`peek` and `tags`, in pprof's exact
//! text layouts (`printTraces`, `printTree`, `printTags`).

use crate::report::tags::TagsReport;
use crate::report::traces::{TraceView, TracesReport};
use crate::report::tree::{TreeEdge, TreeReport};
use crate::units;
use serde::Serialize;
use std::io::{self, Write};

const TRACES_SEPARATOR: &str =
    "-----------+-------------------------------------------------------";
const TREE_SEPARATOR: &str =
    "----------------------------------------------------------+-------------";
// pprof's legend really ends in tabs.
const TREE_LEGEND: &str =
    "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

fn header(w: &mut dyn Write, lines: &[String]) -> io::Result<()> {
    writeln!(w, "{}", lines.join("\n"))
}

pub fn traces_text(r: &TracesReport, w: &mut dyn Write) -> io::Result<()> {
    header(w, &r.header)?;
    let mut buf = Vec::new();
    for t in &r.traces {
        let frames: Vec<(&str, bool)> = t
            .frames
            .iter()
            .map(|f| (f.name.as_str(), f.inline))
            .collect();
        let v = TraceView {
            labels: &t.labels,
            value: t.value,
            frames: &frames,
        };
        trace_text(r, &v, &mut buf, w)?;
    }
    traces_text_end(w)
}

/// The text of `traces` streamed: `head` ([`traces_head`]) with every
/// sample's block written as [`each_trace`] yields it, byte for byte what
/// [`traces_text`] writes of the whole report.
///
/// [`traces_head`]: crate::report::traces::traces_head
/// [`each_trace`]: crate::report::traces::each_trace
pub fn traces_text_streamed(
    head: &TracesReport,
    p: &crate::profile::Profile,
    sample_index: usize,
    nodes: crate::aggregate::NodeOptions,
    w: &mut dyn Write,
) -> io::Result<()> {
    header(w, &head.header)?;
    let mut buf = Vec::new();
    crate::report::traces::each_trace(p, sample_index, nodes, |t| {
        trace_text(head, t, &mut buf, w)
    })?;
    traces_text_end(w)
}

/// One sample's block of `traces` text, built in `buf` (reused from
/// sample to sample) and written at once: a big profile's traces run to
/// gigabytes, and formatting each frame line through `write!` (padding
/// written a character at a time) cost more than building the report.
fn trace_text(
    r: &TracesReport,
    t: &TraceView<'_>,
    buf: &mut Vec<u8>,
    w: &mut dyn Write,
) -> io::Result<()> {
    buf.clear();
    buf.extend_from_slice(TRACES_SEPARATOR.as_bytes());
    buf.push(b'\n');
    for l in t.labels {
        writeln!(buf, "{:>10}:  {}", l.key, l.value)?;
    }
    for (i, &(name, inline)) in t.frames.iter().enumerate() {
        // `{:>10}` pads to ten characters.
        let v = if i == 0 {
            r.format_value(t.value)
        } else {
            String::new()
        };
        buf.resize(buf.len() + 10usize.saturating_sub(v.chars().count()), b' ');
        buf.extend_from_slice(v.as_bytes());
        buf.extend_from_slice(b"   ");
        buf.extend_from_slice(name.as_bytes());
        if inline {
            buf.extend_from_slice(b" (inline)");
        }
        buf.push(b'\n');
    }
    w.write_all(buf)
}

fn traces_text_end(w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "{TRACES_SEPARATOR}")
}

fn tree_edge(r: &TreeReport, w: &mut dyn Write, e: &TreeEdge, cum: i64) -> io::Result<()> {
    let inl = if e.inline { " (inline)" } else { "" };
    writeln!(
        w,
        "{:>50} {} |   {}{inl}",
        r.format_value(e.weight),
        units::percentage(e.weight, cum),
        e.name
    )
}

pub fn tree_text(r: &TreeReport, w: &mut dyn Write) -> io::Result<()> {
    header(w, &r.header)?;
    writeln!(w, "{TREE_SEPARATOR}")?;
    writeln!(w, "{TREE_LEGEND}")?;
    let mut flat_sum = 0i64;
    for e in &r.entries {
        writeln!(w, "{TREE_SEPARATOR}")?;
        for c in &e.callers {
            tree_edge(r, w, c, e.cum)?;
        }
        flat_sum = flat_sum.wrapping_add(e.flat);
        let values = super::value_columns(|v| r.format_value(v), r.total, e.flat, flat_sum, e.cum);
        writeln!(w, "{values}                | {}", e.name)?;
        for c in &e.callees {
            tree_edge(r, w, c, e.cum)?;
        }
    }
    if r.graph_nodes > 0 {
        writeln!(w, "{TREE_SEPARATOR}")?;
    }
    Ok(())
}

fn pad(w: &mut dyn Write, n: usize) -> io::Result<()> {
    write!(w, "{:n$}", "")
}

/// pprof prints tags through a right-aligned tabwriter (padding 1); each
/// key is its own block.
pub fn tags_text(r: &TagsReport, w: &mut dyn Write) -> io::Result<()> {
    let total = r.total;
    for k in &r.keys {
        let key_cell = format!("{}:", k.key);
        let head = if total > 0 {
            format!(
                " Total {} of {} ({})",
                r.format_value(k.total),
                r.format_value(total),
                units::percentage(k.total, total)
            )
        } else {
            format!(
                " Total {} of {}",
                r.format_value(k.total),
                r.format_value(total)
            )
        };
        let cells: Vec<String> = k
            .values
            .iter()
            .map(|v| {
                if total > 0 {
                    format!(
                        "{} ({}):",
                        r.format_value(v.value),
                        units::percentage(v.value, total)
                    )
                } else {
                    format!("{}:", r.format_value(v.value))
                }
            })
            .collect();
        let kw = key_cell.chars().count();
        let w0 = kw.max(if cells.is_empty() { 0 } else { 1 }) + 1;
        let w1 = cells.iter().map(|c| c.chars().count()).max().unwrap_or(0) + 1;
        pad(w, w0 - kw)?;
        writeln!(w, "{key_cell}{head}")?;
        for (c, v) in cells.iter().zip(&k.values) {
            pad(w, w0 - 1)?;
            write!(w, " ")?;
            pad(w, w1 - c.chars().count())?;
            writeln!(w, "{c} {}", v.name)?;
        }
        writeln!(w)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    key: &'a str,
    value: &'a str,
    numeric: bool,
}

#[derive(Serialize)]
struct JsonFrame<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inline: bool,
}

#[derive(Serialize)]
struct JsonTrace<'a> {
    value: i64,
    labels: Vec<JsonLabel<'a>>,
    frames: Vec<JsonFrame<'a>>,
}

#[derive(Serialize)]
struct JsonTraces<'a> {
    total: i64,
    header: &'a [String],
    traces: Vec<JsonTrace<'a>>,
}

/// Writes `doc` in the JSON envelope of `command`.
fn finish<T: Serialize>(
    w: &mut dyn Write,
    command: &str,
    r_type: &str,
    unit: &str,
    doc: T,
) -> io::Result<()> {
    super::write_json(
        w,
        command,
        super::JsonSampleType::new(r_type, unit),
        doc,
        true,
    )
}

/// Traces as JSON: values in the sample type's own unit, stacks leaf first.
pub fn traces_json(r: &TracesReport, w: &mut dyn Write) -> io::Result<()> {
    let doc = JsonTraces {
        total: r.total,
        header: &r.header,
        traces: r
            .traces
            .iter()
            .map(|t| JsonTrace {
                value: t.value,
                labels: t
                    .labels
                    .iter()
                    .map(|l| JsonLabel {
                        key: &l.key,
                        value: &l.value,
                        numeric: l.numeric,
                    })
                    .collect(),
                frames: t
                    .frames
                    .iter()
                    .map(|f| JsonFrame {
                        name: &f.name,
                        inline: f.inline,
                    })
                    .collect(),
            })
            .collect(),
    };
    finish(w, "traces", &r.sample_type, &r.sample_unit, doc)
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    name: &'a str,
    weight: i64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inline: bool,
}

#[derive(Serialize)]
struct JsonTreeNode<'a> {
    name: &'a str,
    flat: i64,
    cum: i64,
    callers: Vec<JsonEdge<'a>>,
    callees: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonTree<'a> {
    total: i64,
    shown_total: i64,
    dropped_nodes: usize,
    header: &'a [String],
    nodes: Vec<JsonTreeNode<'a>>,
}

fn json_edges(v: &[TreeEdge]) -> Vec<JsonEdge<'_>> {
    v.iter()
        .map(|e| JsonEdge {
            name: &e.name,
            weight: e.weight,
            inline: e.inline,
        })
        .collect()
}

/// Tree (or peek, by `command`) as JSON.
pub fn tree_json(r: &TreeReport, command: &str, w: &mut dyn Write) -> io::Result<()> {
    let doc = JsonTree {
        total: r.total,
        shown_total: r.shown_total,
        dropped_nodes: r.dropped_nodes,
        header: &r.header,
        nodes: r
            .entries
            .iter()
            .map(|e| JsonTreeNode {
                name: &e.name,
                flat: e.flat,
                cum: e.cum,
                callers: json_edges(&e.callers),
                callees: json_edges(&e.callees),
            })
            .collect(),
    };
    finish(w, command, &r.sample_type, &r.sample_unit, doc)
}

#[derive(Serialize)]
struct JsonTagValue<'a> {
    value: &'a str,
    total: i64,
}

#[derive(Serialize)]
struct JsonTagKey<'a> {
    key: &'a str,
    total: i64,
    values: Vec<JsonTagValue<'a>>,
}

#[derive(Serialize)]
struct JsonTags<'a> {
    total: i64,
    tags: Vec<JsonTagKey<'a>>,
}

/// Tags as JSON: per key, the sample value summed per label value.
pub fn tags_json(r: &TagsReport, w: &mut dyn Write) -> io::Result<()> {
    let doc = JsonTags {
        total: r.total,
        tags: r
            .keys
            .iter()
            .map(|k| JsonTagKey {
                key: &k.key,
                total: k.total,
                values: k
                    .values
                    .iter()
                    .map(|v| JsonTagValue {
                        value: &v.name,
                        total: v.value,
                    })
                    .collect(),
            })
            .collect(),
    };
    finish(w, "tags", &r.sample_type, &r.sample_unit, doc)
}
