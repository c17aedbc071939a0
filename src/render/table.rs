//! Helpers shared by the renderers of heapscope's own tables (diff, check,
//! trend): value formatting, a comfy-table preset, and escaping for CSV,
//! Markdown and XML.

use crate::units;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table, presets};
use std::io::{self, Write};

/// A value auto-scaled in its unit (`4.57MB`).
pub(crate) fn value<'a>(v: i64, unit: impl Into<Scale<'a>>) -> String {
    let s = unit.into();
    units::scaled_label(v, s.from, s.to)
}

/// A sample unit and the unit values print in: `auto` scales each value
/// on its own; `minimum` is resolved by the report beforehand.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale<'a> {
    pub(crate) from: &'a str,
    pub(crate) to: &'a str,
}

impl<'a> From<&'a str> for Scale<'a> {
    fn from(from: &'a str) -> Self {
        Scale { from, to: "auto" }
    }
}

impl<'a> From<&'a String> for Scale<'a> {
    fn from(from: &'a String) -> Self {
        Scale { from, to: "auto" }
    }
}

/// A signed change (`+4.57MB`, `-512kB`, `0`).
pub(crate) fn delta<'a>(v: i64, unit: impl Into<Scale<'a>>) -> String {
    let s = value(v, unit);
    if v > 0 { format!("+{s}") } else { s }
}

/// A signed percentage (`+12.5%`), or `-` when there is none.
pub(crate) fn pct(p: Option<f64>) -> String {
    match p {
        None => "-".into(),
        Some(p) => {
            if p == 0.0 {
                "0%".into()
            } else {
                format!("{p:+.1}%")
            }
        }
    }
}

/// `±2σ` of a value, or empty when there is no noise.
pub(crate) fn noise<'a>(sigma: f64, unit: impl Into<Scale<'a>>) -> String {
    let two = (2.0 * sigma).round();
    if two < 1.0 {
        String::new()
    } else {
        format!("±{}", value(two as i64, unit))
    }
}

/// A borderless table with a header rule; styled only when `color`.
pub(crate) fn new_table(header: &[&str], right_aligned: &[usize], color: bool) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .remove_style(comfy_table::TableComponent::TopBorder)
        .remove_style(comfy_table::TableComponent::BottomBorder)
        .remove_style(comfy_table::TableComponent::TopBorderIntersections)
        .remove_style(comfy_table::TableComponent::BottomBorderIntersections)
        .remove_style(comfy_table::TableComponent::HorizontalLines)
        .remove_style(comfy_table::TableComponent::MiddleIntersections)
        .set_style(comfy_table::TableComponent::HeaderLines, '─')
        .set_style(comfy_table::TableComponent::MiddleHeaderIntersections, '─')
        .set_content_arrangement(ContentArrangement::Disabled);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(header.iter().map(Cell::new).collect::<Vec<_>>());
    for &i in right_aligned {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// A cell coloured by the sign of `v` (growth red, shrink green).
pub(crate) fn signed_cell(text: String, v: i64, color: bool) -> Cell {
    let c = Cell::new(text);
    if !color || v == 0 {
        c
    } else if v > 0 {
        c.fg(Color::Red)
    } else {
        c.fg(Color::Green)
    }
}

/// Writes a table without trailing spaces.
pub(crate) fn write_table(t: &Table, w: &mut dyn Write) -> io::Result<()> {
    for l in t.lines() {
        writeln!(w, "{}", l.trim_end())?;
    }
    Ok(())
}

/// A node table for a terminal: the table (or `No nodes.`), then how many
/// rows `--nodecount` hid.
pub(crate) fn write_rows(
    t: &Table,
    empty: bool,
    hidden: usize,
    w: &mut dyn Write,
) -> io::Result<()> {
    if empty {
        writeln!(w, "No nodes.")?;
    } else {
        write_table(t, w)?;
    }
    if hidden > 0 {
        writeln!(w, "{} (--nodecount)", not_shown(hidden))?;
    }
    Ok(())
}

/// A Markdown node table's tail: a blank line and how many rows
/// `--nodecount` hid, when it hid any.
pub(crate) fn markdown_hidden(hidden: usize, w: &mut dyn Write) -> io::Result<()> {
    if hidden > 0 {
        writeln!(w)?;
        writeln!(w, "{}.", not_shown(hidden))?;
    }
    Ok(())
}

/// `N more node(s) not shown`.
fn not_shown(hidden: usize) -> String {
    format!(
        "{hidden} more node{} not shown",
        if hidden == 1 { "" } else { "s" }
    )
}

/// A CSV field (RFC 4180 quoting when needed).
pub(crate) fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV table: the header, then one line per row, each field quoted as
/// [`csv`] does.
pub(crate) fn write_csv(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    w: &mut dyn Write,
) -> io::Result<()> {
    writeln!(w, "{}", header.join(","))?;
    for r in rows {
        let f: Vec<String> = r.iter().map(|s| csv(s)).collect();
        writeln!(w, "{}", f.join(","))?;
    }
    Ok(())
}

/// A Markdown (GFM) table; the `right_aligned` columns are right-aligned
/// and every cell is escaped as [`md`] does.
pub(crate) fn write_markdown(
    header: &[&str],
    right_aligned: &[usize],
    rows: impl IntoIterator<Item = Vec<String>>,
    w: &mut dyn Write,
) -> io::Result<()> {
    let cells = |r: &[String]| r.iter().map(|s| md(s)).collect::<Vec<_>>().join(" | ");
    let head: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    writeln!(w, "| {} |", cells(&head))?;
    let rule: Vec<&str> = (0..header.len())
        .map(|i| {
            if right_aligned.contains(&i) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    writeln!(w, "|{}|", rule.join("|"))?;
    for r in rows {
        writeln!(w, "| {} |", cells(&r))?;
    }
    Ok(())
}

/// A Markdown report's header: the first line as a `### heapscope
/// COMMAND: ...` heading, the others as a list, then a blank line.
pub(crate) fn markdown_header(
    w: &mut dyn std::io::Write,
    command: &str,
    lines: Vec<String>,
) -> std::io::Result<()> {
    let mut it = lines.into_iter();
    if let Some(first) = it.next() {
        writeln!(w, "### heapscope {command}: {}", md(&first))?;
        writeln!(w)?;
    }
    for l in it {
        writeln!(w, "- {}", md(&l))?;
    }
    writeln!(w)
}

/// Text inside a Markdown table cell.
pub(crate) fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' => {
                o.push('\\');
                o.push(c);
            }
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Text inside XML (attribute or element), as JUnit reports hold it:
/// control characters XML 1.0 cannot hold become spaces.
pub(crate) fn xml(s: &str) -> String {
    escape_markup(s, "&apos;", |c| {
        if matches!(c, '\n' | '\t' | '\r') {
            c
        } else {
            ' '
        }
    })
}

/// Escapes text for XML or HTML (element content and attribute values):
/// `& < > "` as entities, `'` as `apos`, and each control character
/// (below U+0020) as `control` maps it. The one escaping of every markup
/// output (JUnit, SVG, the HTML page); they differ only in those two.
pub(crate) fn escape_markup(s: &str, apos: &str, control: impl Fn(char) -> char) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str(apos),
            c if (c as u32) < 0x20 => o.push(control(c)),
            c => o.push(c),
        }
    }
    o
}

/// A float for JSON: finite, rounded to `digits` decimals.
pub(crate) fn round(v: f64, digits: i32) -> f64 {
    if !v.is_finite() {
        return 0.0;
    }
    let m = 10f64.powi(digits);
    (v * m).round() / m
}
