//! Folded text and flame graph SVGs (drawn by the `inferno` crate from
//! folded lines: self-contained, with inferno's search and zoom script).

use crate::report::folded::FoldedLines;
use inferno::flamegraph::{self, color};
use std::io::{self, Write};

/// One `stack value` line per stack.
pub fn folded_text(stacks: &[(String, i64)], w: &mut dyn Write) -> io::Result<()> {
    for (s, v) in stacks {
        writeln!(w, "{s} {v}")?;
    }
    Ok(())
}

/// The folded lines of a [`FoldedLines`], written as they are walked: byte
/// for byte [`folded_text`] of [`folded`](crate::report::folded::folded).
pub fn folded_text_streamed(t: &FoldedLines<'_>, w: &mut dyn Write) -> io::Result<()> {
    // Each line built in one buffer and written at once (`writeln!` on a
    // `dyn Write` costs more than the line).
    let mut buf: Vec<u8> = Vec::new();
    t.each_line(|s, v| {
        buf.clear();
        buf.extend_from_slice(s.as_bytes());
        write!(buf, " {v}")?;
        buf.push(b'\n');
        w.write_all(&buf)
    })
}

/// What the SVG says about itself.
pub struct FlameOptions<'a> {
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
    /// What a sample counts ("bytes", "objects").
    pub count_name: &'a str,
    /// Frames narrower than this many pixels are left out.
    pub min_width: f64,
}

fn options(o: &FlameOptions) -> flamegraph::Options<'static> {
    let mut opt = flamegraph::Options::default();
    opt.title = o.title.to_string();
    opt.subtitle = o.subtitle.map(str::to_string);
    opt.count_name = o.count_name.to_string();
    opt.min_width = o.min_width;
    opt.colors = color::Palette::Basic(color::BasicPalette::Mem);
    opt.hash = true;
    opt
}

/// A flame graph of positive folded stacks (negative values are dropped:
/// a flame graph has no negative widths).
pub fn flame_svg(stacks: &[(String, i64)], o: &FlameOptions, w: &mut dyn Write) -> io::Result<()> {
    let lines: Vec<String> = stacks
        .iter()
        .filter(|(_, v)| *v > 0)
        .map(|(s, v)| format!("{s} {v}"))
        .collect();
    let mut opt = options(o);
    flamegraph::from_lines(&mut opt, lines.iter().map(String::as_str), w).map_err(io::Error::other)
}

/// A differential flame graph: widths are the profile's values, colours
/// the change from the base (red grew, blue shrank).
pub fn flame_diff_svg(
    stacks: &[(String, i64, i64)],
    o: &FlameOptions,
    w: &mut dyn Write,
) -> io::Result<()> {
    let lines: Vec<String> = stacks
        .iter()
        .map(|(s, b, a)| format!("{s} {} {}", (*b).max(0), (*a).max(0)))
        .collect();
    let mut opt = options(o);
    flamegraph::from_lines(&mut opt, lines.iter().map(String::as_str), w).map_err(io::Error::other)
}
