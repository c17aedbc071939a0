//! The call graph drawn in-process as SVG (and PNG through resvg), in the
//! style of pprof's Graphviz pictures: the legend box, callers above
//! callees, boxes sized by their text with the font scaled by flat,
//! colours by cum, edges as wide as their weight with their value beside
//! them, inline edges dashed, residual edges dotted, `bytes` tag boxes
//! under their node. Ids and tooltips are the DOT output's (`node1`,
//! `NN1_0`, "main.f (10MB)"), so the two can be compared.
//!
//! Text is measured with Helvetica/Arial advance widths (Liberation Sans
//! has the same), padded, so labels fit their boxes in any of those fonts.
//! Every name is XML-escaped.

use super::dot;
use super::layout::{self, LayoutEdge, LayoutInput};
use crate::graph::GraphReport;
use std::fmt::Write as _;
use std::io::{self, Write};

const FONT: &str = "Helvetica,Arial,'Liberation Sans',sans-serif";
const PAD_X: f64 = 8.0;
const PAD_Y: f64 = 5.0;
const LINE: f64 = 1.2;
const EDGE_FONT: f64 = 8.0;
const LEGEND_FONT: f64 = 12.0;

/// Advance width of a character in em, Helvetica's metrics; wide for
/// anything outside ASCII.
fn char_em(c: char) -> f64 {
    let w = match c {
        ' ' | '!' | ',' | '.' | '/' | ':' | ';' | 'I' | '[' | '\\' | ']' | 'f' | 't' => 278,
        '"' => 355,
        '\'' => 191,
        '(' | ')' | '-' | '`' | 'r' => 333,
        '*' => 389,
        '+' | '<' | '=' | '>' | '~' => 584,
        '%' => 889,
        '&' | 'A' | 'B' | 'E' | 'K' | 'P' | 'S' | 'V' | 'X' | 'Y' => 667,
        '@' => 1015,
        'C' | 'D' | 'H' | 'N' | 'R' | 'U' | 'w' => 722,
        'F' | 'T' | 'Z' => 611,
        'G' | 'O' | 'Q' => 778,
        'J' | 'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' => 500,
        'L' | '_' => 556,
        'M' | 'm' => 833,
        'W' => 944,
        '^' => 469,
        'i' | 'j' | 'l' => 222,
        '{' | '}' => 334,
        '|' => 260,
        c if c.is_ascii() => 556,
        _ => 1000,
    };
    f64::from(w) / 1000.0
}

/// Estimated width of `s` at `size` px, with 8% to spare.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * size * 1.08
}

/// XML escape for text and attribute values; control characters other
/// than tab and newline become U+FFFD.
pub fn xml_escape(s: &str) -> String {
    super::escape_markup(s, "&#39;", |c| {
        if c == '\t' || c == '\n' {
            c
        } else {
            '\u{fffd}'
        }
    })
}

/// A box to draw: a node or a tag box.
#[derive(Clone, Debug)]
pub struct DrawBox {
    pub id: String,
    pub tooltip: String,
    pub lines: Vec<String>,
    pub font: f64,
    pub w: f64,
    pub h: f64,
    pub stroke: String,
    pub fill: String,
    pub tag: bool,
}

/// A line to draw between boxes.
#[derive(Clone, Debug)]
pub struct DrawEdge {
    pub src: usize,
    pub dst: usize,
    pub label: Vec<String>,
    pub tooltip: String,
    pub color: String,
    pub width: f64,
    pub weight: f64,
    pub minlen: usize,
    pub dashed: bool,
    pub dotted: bool,
}

/// The picture's model: boxes and edges with their words and styles.
#[derive(Clone, Debug)]
pub struct Picture {
    pub title: String,
    pub legend: Vec<String>,
    pub boxes: Vec<DrawBox>,
    pub edges: Vec<DrawEdge>,
}

fn sized(lines: &[String], font: f64) -> (f64, f64) {
    let w = lines
        .iter()
        .map(|l| text_width(l, font))
        .fold(0.0, f64::max);
    let h = lines.len() as f64 * font * LINE;
    (w + 2.0 * PAD_X, h + 2.0 * PAD_Y)
}

/// Builds the picture from the report: the same nodes, nodelets, edges,
/// words and colours as the DOT output.
pub fn picture(r: &GraphReport) -> Picture {
    let g = &r.graph;
    let max_flat = dot::max_flat(g);
    let mut boxes = Vec::new();
    let mut edges = Vec::new();
    let mut node_box = Vec::with_capacity(g.nodes.len());
    let mut has_lets = vec![false; g.nodes.len()];
    let total = r.total.wrapping_abs().max(1) as f64;
    for (i, n) in g.nodes.iter().enumerate() {
        let id = i + 1;
        let info = g.info(n);
        let mut lines: Vec<String> = dot::name_lines(info).into_iter().map(|x| x.0).collect();
        lines.extend(dot::value_lines(r, n));
        let font = f64::from(dot::font_size(n.flat, max_flat));
        let (w, h) = sized(&lines, font);
        let (stroke, fill) = dot::node_colors(r, n);
        node_box.push(boxes.len());
        boxes.push(DrawBox {
            id: format!("node{id}"),
            tooltip: format!("{} ({})", info.printable_name(), dot::tooltip_value(r, n)),
            lines,
            font,
            w,
            h,
            stroke,
            fill,
            tag: false,
        });
        let lets = dot::nodelets(r, n, id);
        has_lets[i] = !lets.is_empty();
        let mut ids: Vec<(String, usize)> = vec![(format!("N{id}"), node_box[i])];
        for l in lets {
            let lines = vec![l.label.clone()];
            let (w, h) = sized(&lines, 8.0);
            let b = boxes.len();
            boxes.push(DrawBox {
                id: l.id.clone(),
                tooltip: l.weight.clone(),
                lines,
                font: 8.0,
                w: w + 4.0,
                h: h + 4.0,
                stroke: "#000000".into(),
                fill: "#f8f8f8".into(),
                tag: true,
            });
            let src = ids
                .iter()
                .find(|(s, _)| *s == l.parent)
                .map_or(node_box[i], |x| x.1);
            edges.push(DrawEdge {
                src,
                dst: b,
                label: vec![l.weight.clone()],
                tooltip: l.weight.clone(),
                color: "#000000".into(),
                width: 1.0,
                weight: 0.0,
                minlen: 1,
                dashed: false,
                dotted: l.dotted,
            });
            ids.push((l.id, b));
        }
    }
    for e in &g.edges {
        let wv = r.format_value(e.weight);
        let mut label = vec![wv.clone()];
        if e.inline {
            label.push("(inline)".into());
        }
        let (width, color) = match dot::edge_style(e.weight, r.total) {
            Some((_, w, c)) => (w as f64, c),
            None => (1.0, "#b2b2b2".into()),
        };
        let arrow = if e.residual { "..." } else { "->" };
        let src = &g.nodes[e.src as usize];
        let dst = &g.nodes[e.dst as usize];
        edges.push(DrawEdge {
            src: node_box[e.src as usize],
            dst: node_box[e.dst as usize],
            label,
            tooltip: format!(
                "{} {arrow} {} ({wv})",
                g.info(src).printable_name(),
                g.info(dst).printable_name()
            ),
            color,
            width,
            weight: (e.weight.wrapping_abs() as f64 / total).min(1.0),
            minlen: if has_lets[e.src as usize] { 2 } else { 1 },
            dashed: e.inline,
            dotted: e.residual,
        });
    }
    let legend: Vec<String> = r
        .labels
        .iter()
        .flat_map(|l| l.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect();
    Picture {
        title: r.title.clone(),
        legend,
        boxes,
        edges,
    }
}

/// A picture with its layout, ready to write.
pub struct Placed {
    pub picture: Picture,
    pub layout: layout::Layout,
    /// Height of the legend above the graph.
    pub legend_h: f64,
    pub legend_w: f64,
}

impl Placed {
    /// Box rectangles (x, y, w, h) in SVG coordinates.
    pub fn rects(&self) -> Vec<(f64, f64, f64, f64)> {
        self.picture
            .boxes
            .iter()
            .zip(&self.layout.pos)
            .map(|(b, &(cx, cy))| (cx - b.w / 2.0, cy - b.h / 2.0 + self.legend_h, b.w, b.h))
            .collect()
    }
}

/// Lays the picture out; refuses graphs too large to draw.
pub fn place(r: &GraphReport) -> Result<Placed, layout::LayoutError> {
    let picture = picture(r);
    let inp = LayoutInput {
        sizes: picture.boxes.iter().map(|b| (b.w, b.h)).collect(),
        edges: picture
            .edges
            .iter()
            .map(|e| {
                let w = e
                    .label
                    .iter()
                    .map(|l| text_width(l, EDGE_FONT))
                    .fold(0.0, f64::max);
                LayoutEdge {
                    src: e.src,
                    dst: e.dst,
                    minlen: e.minlen,
                    weight: e.weight,
                    label: (w, e.label.len() as f64 * EDGE_FONT * LINE),
                }
            })
            .collect(),
    };
    let layout = layout::layout(&inp)?;
    let legend_w = picture
        .legend
        .iter()
        .map(|l| text_width(l, LEGEND_FONT))
        .fold(0.0, f64::max)
        + 2.0 * PAD_X;
    let legend_h = picture.legend.len() as f64 * LEGEND_FONT * LINE + 2.0 * PAD_Y + 16.0;
    Ok(Placed {
        picture,
        layout,
        legend_h,
        legend_w,
    })
}

fn dash(e: &DrawEdge) -> &'static str {
    if e.dotted {
        " stroke-dasharray=\"1,3\""
    } else if e.dashed {
        " stroke-dasharray=\"6,3\""
    } else {
        ""
    }
}

/// A smooth path through the points (Catmull-Rom as cubic Béziers).
fn smooth_path(pts: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let _ = write!(d, "M{:.1},{:.1}", pts[0].0, pts[0].1);
    for i in 0..pts.len() - 1 {
        let p0 = if i == 0 { pts[0] } else { pts[i - 1] };
        let p1 = pts[i];
        let p2 = pts[i + 1];
        let p3 = if i + 2 < pts.len() { pts[i + 2] } else { p2 };
        let c1 = (p1.0 + (p2.0 - p0.0) / 6.0, p1.1 + (p2.1 - p0.1) / 6.0);
        let c2 = (p2.0 - (p3.0 - p1.0) / 6.0, p2.1 - (p3.1 - p1.1) / 6.0);
        let _ = write!(
            d,
            " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            c1.0, c1.1, c2.0, c2.1, p2.0, p2.1
        );
    }
    d
}

/// Writes the picture as a standalone SVG.
pub fn svg_string(p: &Placed) -> String {
    let pic = &p.picture;
    let l = &p.layout;
    let width = l.width.max(p.legend_w + 16.0).ceil();
    let height = (l.height + p.legend_h).ceil();
    let mut s = String::with_capacity(4096 + pic.boxes.len() * 600);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FONT}\">"
    );
    let title = if pic.title.is_empty() {
        "unnamed"
    } else {
        &pic.title
    };
    let _ = writeln!(s, "<title>{}</title>", xml_escape(title));
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    // Legend.
    let lh = p.legend_h - 16.0;
    let _ = writeln!(
        s,
        "<g id=\"legend\" class=\"legend\"><title>{}</title><rect x=\"8\" y=\"8\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#ffffff\" stroke=\"#000000\"/>",
        xml_escape(title),
        p.legend_w,
        lh
    );
    for (i, line) in pic.legend.iter().enumerate() {
        let y = 8.0 + PAD_Y + LEGEND_FONT * (i as f64 * LINE + 1.0);
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"{LEGEND_FONT}\">{}</text>",
            8.0 + PAD_X,
            xml_escape(line)
        );
    }
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<g id=\"graph\" transform=\"translate(0,{:.1})\">",
        p.legend_h
    );
    // Edges first, boxes on top.
    for (k, e) in pic.edges.iter().enumerate() {
        let pts = &l.paths[k];
        if pts.len() < 2 {
            continue;
        }
        let _ = write!(
            s,
            "<g id=\"edge{}\" class=\"edge\"><title>{}</title>",
            k + 1,
            xml_escape(&e.tooltip)
        );
        let _ = write!(
            s,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
            smooth_path(pts),
            e.color,
            e.width,
            dash(e)
        );
        // Arrowhead along the last segment.
        let (a, b) = (pts[pts.len() - 2], pts[pts.len() - 1]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-6);
        let (ux, uy) = (dx / len, dy / len);
        let size = 6.0 + e.width;
        let base = (b.0 - ux * size, b.1 - uy * size);
        let half = size * 0.45;
        let _ = write!(
            s,
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{}\" stroke=\"{}\"/>",
            b.0,
            b.1,
            base.0 - uy * half,
            base.1 + ux * half,
            base.0 + uy * half,
            base.1 - ux * half,
            e.color,
            e.color
        );
        let (lx, ly) = l.labels[k];
        let n = e.label.len() as f64;
        for (i, t) in e.label.iter().enumerate() {
            let y = ly + EDGE_FONT * (i as f64 - n / 2.0 + 0.85) * LINE;
            let _ = write!(
                s,
                "<text x=\"{lx:.1}\" y=\"{y:.1}\" font-size=\"{EDGE_FONT}\">{}</text>",
                xml_escape(t)
            );
        }
        s.push_str("</g>\n");
    }
    for (b, &(cx, cy)) in pic.boxes.iter().zip(&l.pos) {
        let (x, y) = (cx - b.w / 2.0, cy - b.h / 2.0);
        let _ = write!(
            s,
            "<g id=\"{}\" class=\"{}\"><title>{}</title>",
            xml_escape(&b.id),
            if b.tag { "tag" } else { "node" },
            xml_escape(&b.tooltip)
        );
        if b.tag {
            // A box with a shadow box behind it, as Graphviz's box3d.
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#d8d8d8\" stroke=\"#000000\"/>",
                x + 3.0,
                b.w - 3.0,
                b.h - 3.0
            );
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"{}\"/>",
                y + 3.0,
                b.w - 3.0,
                b.h - 3.0,
                b.fill,
                b.stroke
            );
        } else {
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"{}\"/>",
                b.w, b.h, b.fill, b.stroke
            );
        }
        let n = b.lines.len() as f64;
        let top = cy - n * b.font * LINE / 2.0 + (if b.tag { 1.5 } else { 0.0 });
        for (i, t) in b.lines.iter().enumerate() {
            let ty = top + b.font * (i as f64 * LINE + 0.95);
            let _ = write!(
                s,
                "<text x=\"{cx:.1}\" y=\"{ty:.1}\" font-size=\"{}\" text-anchor=\"middle\">{}</text>",
                b.font,
                xml_escape(t)
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n</svg>\n");
    s
}

fn too_large(e: layout::LayoutError) -> io::Error {
    io::Error::other(e.to_string())
}

/// Writes the graph as SVG.
pub fn write_svg(r: &GraphReport, w: &mut dyn Write) -> io::Result<()> {
    let p = place(r).map_err(too_large)?;
    w.write_all(svg_string(&p).as_bytes())
}

/// The largest PNG side, in pixels; larger pictures are scaled down.
pub const MAX_PNG_SIDE: f64 = 16384.0;

/// Rasterizes an SVG to PNG bytes with resvg and the system's fonts.
pub fn svg_to_png(svg: &str) -> io::Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let mut opt = usvg::Options {
        font_family: "Liberation Sans".into(),
        ..usvg::Options::default()
    };
    opt.fontdb_mut().load_system_fonts();
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| io::Error::other(e.to_string()))?;
    let size = tree.size();
    let scale = (MAX_PNG_SIDE / f64::from(size.width().max(size.height()).max(1.0)))
        .clamp(1e-3, 1.0) as f32;
    let (pw, ph) = (
        ((size.width() * scale).ceil() as u32).max(1),
        ((size.height() * scale).ceil() as u32).max(1),
    );
    let mut pixmap = tiny_skia::Pixmap::new(pw, ph)
        .ok_or_else(|| io::Error::other(format!("cannot allocate a {pw}x{ph} image")))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| io::Error::other(e.to_string()))
}

/// Writes the graph as PNG.
pub fn write_png(r: &GraphReport, w: &mut dyn Write) -> io::Result<()> {
    let p = place(r).map_err(too_large)?;
    w.write_all(&svg_to_png(&svg_string(&p))?)
}
