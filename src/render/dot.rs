//! The call graph in Graphviz DOT, byte for byte as `go tool pprof -dot`
//! writes it (`internal/graph/dotgraph.go`): the legend box, node labels
//! split on `.` and `::`, font sizes by flat, colours by cum, tag
//! nodelets, edges by weight with inline and residual styles.
//!
//! The label, colour and size rules live here as plain functions so the
//! in-process SVG renderer draws the same graph with the same words.

use crate::aggregate::{NodeInfo, go_base};
use crate::graph::{self, CallGraph, GraphReport, MAX_NODELETS, Node, Tag};
use crate::units;
use regex::Regex;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::OnceLock;

/// pprof's `escapeForDot`: backslashes and quotes escaped, newlines
/// become left-justified line breaks.
pub fn escape_for_dot(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\l")
}

struct ShortenRes {
    anon: Regex,
    go_ver: Regex,
    go: Regex,
    java: Regex,
    cpp: Regex,
}

fn shorten_res() -> &'static ShortenRes {
    static RES: OnceLock<ShortenRes> = OnceLock::new();
    RES.get_or_init(|| {
        // Go's \w is ASCII; (?-u:\w) keeps it so.
        let w = r"[0-9A-Za-z_]";
        ShortenRes {
            anon: Regex::new(r"^\(anonymous namespace\)::").expect("static regex"),
            go_ver: Regex::new(r"^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$").expect("static regex"),
            go: Regex::new(&format!(r"^(?:(?:{w}|[\-\.])+/)+([^.]+\..+)")).expect("static regex"),
            java: Regex::new(&format!(
                r"^(?:[a-z]{w}*\.)*([A-Z](?:{w}|\$)*\.(?:<init>|[a-z](?:{w}|\$)*(?:\$\d+)?))(?:(?:\()|$)"
            ))
            .expect("static regex"),
            cpp: Regex::new(&format!(
                r"^(?:[_a-zA-Z]{w}*::)+(_*[A-Z]{w}*::~?[_a-zA-Z]{w}*(?:<.*>)?)"
            ))
            .expect("static regex"),
        }
    })
}

/// pprof's `ShortenFunctionName`: drops Go package paths, Java packages
/// and arguments, C++ namespaces.
pub fn shorten_function_name(f: &str) -> String {
    let r = shorten_res();
    let f = r.anon.replace(f, "");
    let f = r.go_ver.replace(&f, "${1}${2}").into_owned();
    for re in [&r.go, &r.java, &r.cpp] {
        if let Some(c) = re.captures(&f) {
            if c.len() >= 2 {
                return c
                    .iter()
                    .skip(1)
                    .map(|m| m.map_or("", |m| m.as_str()))
                    .collect();
            }
        }
    }
    f
}

/// The name parts of a node as the graph shows them, one per line
/// (pprof's `multilinePrintableName` before the `\n` join): the short
/// function name split at `.` and `::`, then file:line, the binary or
/// `<unknown>`. Raw (not escaped); the flag marks function-name parts,
/// the only ones pprof escapes.
pub fn name_lines(info: &NodeInfo) -> Vec<(String, bool)> {
    const SEP: char = '\u{1}';
    let name = shorten_function_name(&info.name)
        .replace("::", "\u{1}")
        .replace("[...]", "[…]")
        .replace('.', "\u{1}");
    let mut out = Vec::new();
    if info.address != 0 {
        out.push((format!("{:016x}", info.address), false));
    }
    if !name.is_empty() {
        out.extend(name.split(SEP).map(|s| (s.to_string(), true)));
    }
    let file = if info.file.is_empty() {
        ""
    } else {
        go_base(&info.file)
    };
    if info.lineno != 0 {
        let mut s = format!("{file}:{}", info.lineno);
        if info.column != 0 {
            s.push_str(&format!(":{}", info.column));
        }
        out.push((s, false));
    } else if !file.is_empty() {
        out.push((file.to_string(), false));
    } else if !info.name.is_empty() {
        // The function name is already there.
    } else if !info.objfile.is_empty() {
        out.push((format!("[{}]", go_base(&info.objfile)), false));
    } else {
        out.push(("<unknown>".to_string(), false));
    }
    out
}

/// The value lines of a node label: `flat (pct)` and `of cum (pct)`, or
/// `0 of cum (pct)` on one line when flat is zero.
pub fn value_lines(r: &GraphReport, n: &Node) -> Vec<String> {
    let mut lines = Vec::new();
    let flat_value = r.format_value(n.flat);
    let mut first = if n.flat != 0 {
        format!(
            "{} ({})",
            flat_value,
            units::percentage(n.flat, r.total).trim()
        )
    } else {
        "0".to_string()
    };
    if n.cum != n.flat {
        let of = format!(
            "of {} ({})",
            r.format_value(n.cum),
            units::percentage(n.cum, r.total).trim()
        );
        if n.flat != 0 {
            lines.push(first);
            lines.push(of);
        } else {
            first.push(' ');
            first.push_str(&of);
            lines.push(first);
        }
    } else {
        lines.push(first);
    }
    lines
}

/// The value shown in a node's tooltip: cum, or flat when they agree.
pub fn tooltip_value(r: &GraphReport, n: &Node) -> String {
    if n.cum != n.flat {
        r.format_value(n.cum)
    } else {
        r.format_value(n.flat)
    }
}

/// Largest |flat| of the graph (the font scale's top).
pub fn max_flat(g: &CallGraph) -> f64 {
    g.nodes.iter().map(|n| n.flat.wrapping_abs() as f64).fold(
        g.nodes
            .first()
            .map_or(0.0, |n| n.flat.wrapping_abs() as f64),
        f64::max,
    )
}

/// Font size 8..24 by the square root of |flat| / max.
pub fn font_size(flat: i64, max_flat: f64) -> u32 {
    let f = flat.wrapping_abs() as f64;
    if max_flat != 0.0 && flat != 0 && f <= max_flat {
        8 + (16.0 * (f / max_flat).sqrt()).ceil() as u32
    } else {
        8
    }
}

/// pprof's `dotColor`: score in [-1, 1]; red for positive, green for
/// negative, grey near zero; light for backgrounds.
pub fn dot_color(score: f64, background: bool) -> String {
    let shift = 0.7;
    let (mut saturation, value) = if background { (0.1, 0.93) } else { (1.0, 0.7) };
    let mut score = (-1.0f64).max(1.0f64.min(score));
    if score.is_nan() {
        score = f64::NAN;
    }
    if score.abs() < 0.2 {
        saturation *= score.abs() / 0.2;
    }
    if score > 0.0 {
        score = score.powf(1.0 - shift);
    }
    if score < 0.0 {
        score = -(-score).powf(1.0 - shift);
    }
    let (r, g);
    if score < 0.0 {
        g = value;
        r = value * (1.0 + saturation * score);
    } else {
        r = value;
        g = value * (1.0 - saturation * score);
    }
    let b = value * (1.0 - saturation);
    let c = |x: f64| (x * 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", c(r), c(g), c(b))
}

/// Node colours: (border, fill).
pub fn node_colors(r: &GraphReport, n: &Node) -> (String, String) {
    let s = n.cum as f64 / r.total.wrapping_abs() as f64;
    (dot_color(s, false), dot_color(s, true))
}

/// Edge attributes by weight: (weight hint > 1, pen width > 1, colour);
/// `None` when the total is 0.
pub fn edge_style(weight: i64, total: i64) -> Option<(i64, i64, String)> {
    if total == 0 {
        return None;
    }
    let hint = 1 + (weight.wrapping_mul(100) / total).wrapping_abs().min(100);
    let width = 1 + (weight.wrapping_mul(5) / total).wrapping_abs().min(5);
    let color = dot_color(weight as f64 / total.wrapping_abs() as f64, false);
    Some((hint, width, color))
}

/// A nodelet to draw below a node: a tag box and its edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nodelet {
    /// DOT id (`N1_0`, `NN1_0`, `NN1_0_0`).
    pub id: String,
    /// The id of what it hangs from (`N1` or a label nodelet).
    pub parent: String,
    pub label: String,
    /// The value, formatted.
    pub weight: String,
    /// Dotted: a cum value on a leaf that differs from its flat.
    pub dotted: bool,
}

/// The nodelets of a node (pprof's `addNodelets`): the top label tags and
/// the numeric tags, collapsed into at most four ranges.
pub fn nodelets(r: &GraphReport, n: &Node, node_id: usize) -> Vec<Nodelet> {
    let mut out = Vec::new();
    // Leaves show cum (it includes trimmed callees); others flat.
    let flat_tags = !n.out_edges.is_empty();
    let mut ts: Vec<Tag> = n.label_tags.clone();
    graph::sort_tags(&mut ts, flat_tags);
    ts.truncate(MAX_NODELETS);
    for (i, t) in ts.iter().enumerate() {
        let w = if flat_tags { t.flat } else { t.cum };
        if w == 0 {
            continue;
        }
        let id = format!("N{node_id}_{i}");
        out.push(Nodelet {
            id: id.clone(),
            parent: format!("N{node_id}"),
            label: t.name.clone(),
            weight: r.format_value(w),
            dotted: false,
        });
        if let Some((_, nts)) = n.numeric_tags.iter().find(|(s, _)| *s == t.name) {
            numeric_nodelets(r, nts, flat_tags, &id, &mut out);
        }
    }
    if let Some((_, nts)) = n.numeric_tags.iter().find(|(s, _)| s.is_empty()) {
        numeric_nodelets(r, nts, flat_tags, &format!("N{node_id}"), &mut out);
    }
    out
}

fn numeric_nodelets(
    r: &GraphReport,
    nts: &[Tag],
    flat_tags: bool,
    source: &str,
    out: &mut Vec<Nodelet>,
) {
    for (j, t) in collapsed_tags(nts, MAX_NODELETS, flat_tags)
        .iter()
        .enumerate()
    {
        let (w, dotted) = if flat_tags || t.flat == t.cum {
            (t.flat, false)
        } else {
            (t.cum, true)
        };
        if w != 0 {
            out.push(Nodelet {
                id: format!("N{source}_{j}"),
                parent: source.to_string(),
                label: t.name.clone(),
                weight: r.format_value(w),
                dotted,
            });
        }
    }
}

/// pprof's `collapsedTags`: the `count` heaviest tags seed groups, every
/// other tag joins the seed nearest in value; groups become ranges.
fn collapsed_tags(ts: &[Tag], count: usize, flat: bool) -> Vec<Tag> {
    let mut ts = ts.to_vec();
    graph::sort_tags(&mut ts, flat);
    if ts.len() <= count {
        return ts;
    }
    let mut groups: Vec<Vec<&Tag>> = ts[..count].iter().map(|t| vec![t]).collect();
    for t in &ts[count..] {
        let dist = |u: &Tag| (u.value as f64 - t.value as f64).abs();
        let mut g = 0;
        let mut d = dist(groups[0][0]);
        for (i, grp) in groups.iter().enumerate().skip(1) {
            let nd = dist(grp[0]);
            if nd < d {
                g = i;
                d = nd;
            }
        }
        groups[g].push(t);
    }
    let mut out: Vec<Tag> = groups
        .iter()
        .map(|g| {
            if g.len() == 1 {
                let t = g[0];
                return Tag {
                    name: units::label(t.value, &t.unit),
                    ..t.clone()
                };
            }
            let (mut min, mut max) = (g[0], g[0]);
            let (mut f, mut c) = (g[0].flat, g[0].cum);
            for &t in &g[1..] {
                if t.value < min.value {
                    min = t;
                }
                if t.value > max.value {
                    max = t;
                }
                f = f.wrapping_add(t.flat);
                c = c.wrapping_add(t.cum);
            }
            Tag {
                name: format!(
                    "{}..{}",
                    units::label(min.value, &min.unit),
                    units::label(max.value, &max.unit)
                ),
                unit: min.unit.clone(),
                value: min.value,
                flat: f,
                cum: c,
            }
        })
        .collect();
    graph::sort_tags(&mut out, flat);
    out
}

/// The label of a node in DOT syntax (lines joined by `\n`).
fn dot_node_label(r: &GraphReport, n: &Node) -> String {
    let mut s = String::new();
    for (l, is_name) in name_lines(r.graph.info(n)) {
        if is_name {
            s.push_str(&escape_for_dot(&l));
        } else {
            s.push_str(&l);
        }
        s.push_str("\\n");
    }
    s.push_str(&value_lines(r, n).join("\\n"));
    s
}

/// Writes the graph as `go tool pprof -dot` does.
pub fn write_dot(r: &GraphReport, w: &mut dyn Write) -> io::Result<()> {
    let mut out = String::new();
    let title = if r.title.is_empty() {
        "unnamed"
    } else {
        &r.title
    };
    let _ = writeln!(out, "digraph \"{title}\" {{");
    out.push_str("node [style=filled fillcolor=\"#f8f8f8\"]\n");
    if let Some(first) = r.labels.first() {
        let _ = write!(
            out,
            "subgraph cluster_L {{ \"{}\" [shape=box fontsize=16 label=\"{}\\l\"",
            escape_for_dot(first),
            r.labels
                .iter()
                .map(|l| escape_for_dot(l))
                .collect::<Vec<_>>()
                .join("\\l")
        );
        if !r.title.is_empty() {
            let _ = write!(out, " tooltip=\"{}\"", r.title);
        }
        out.push_str("] }\n");
    }
    let g = &r.graph;
    let max_flat = max_flat(g);
    let mut has_nodelets = vec![false; g.nodes.len()];
    for (i, n) in g.nodes.iter().enumerate() {
        let id = i + 1;
        let (color, fill) = node_colors(r, n);
        let _ = writeln!(
            out,
            "N{id} [label=\"{}\" id=\"node{id}\" fontsize={} shape=box tooltip=\"{} ({})\" color=\"{color}\" fillcolor=\"{fill}\"]",
            dot_node_label(r, n),
            font_size(n.flat, max_flat),
            escape_for_dot(&g.info(n).printable_name()),
            tooltip_value(r, n),
        );
        let lets = nodelets(r, n, id);
        has_nodelets[i] = !lets.is_empty();
        for l in lets {
            let _ = writeln!(
                out,
                "{} [label = \"{}\" id=\"{}\" fontsize=8 shape=box3d tooltip=\"{}\"]",
                l.id,
                escape_for_dot(&l.label),
                l.id,
                l.weight
            );
            let _ = writeln!(
                out,
                "{} -> {} [label=\" {}\" weight=100 tooltip=\"{}\" labeltooltip=\"{}\"{}]",
                l.parent,
                l.id,
                l.weight,
                l.weight,
                l.weight,
                if l.dotted { " style=\"dotted\"" } else { "" }
            );
        }
    }
    for e in &g.edges {
        let wv = r.format_value(e.weight);
        let mut attr = format!(
            "label=\" {wv}{}\"",
            if e.inline { "\\n (inline)" } else { "" }
        );
        if let Some((hint, width, color)) = edge_style(e.weight, r.total) {
            if hint > 1 {
                let _ = write!(attr, " weight={hint}");
            }
            if width > 1 {
                let _ = write!(attr, " penwidth={width}");
            }
            let _ = write!(attr, " color=\"{color}\"");
        }
        let arrow = if e.residual { "..." } else { "->" };
        let tip = format!(
            "\"{} {arrow} {} ({wv})\"",
            escape_for_dot(&g.infos[g.nodes[e.src as usize].info as usize].printable_name()),
            escape_for_dot(&g.infos[g.nodes[e.dst as usize].info as usize].printable_name()),
        );
        let _ = write!(attr, " tooltip={tip} labeltooltip={tip}");
        if e.residual {
            attr.push_str(" style=\"dotted\"");
        }
        if has_nodelets[e.src as usize] {
            attr.push_str(" minlen=2");
        }
        let _ = writeln!(out, "N{} -> N{} [{attr}]", e.src + 1, e.dst + 1);
    }
    out.push_str("}\n");
    w.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_like_pprof() {
        // Cases from pprof's internal/graph/graph_test.go (TestShortenFunctionName).
        for (input, want) in [
            ("runtime.main", "runtime.main"),
            ("net/http.(*conn).serve", "http.(*conn).serve"),
            (
                "github.com/blah-blah/foo_bar.(*FooBar).Foo",
                "foo_bar.(*FooBar).Foo",
            ),
            (
                "encoding/json.(*structEncoder).(encoding/json.encode)-fm",
                "json.(*structEncoder).(encoding/json.encode)-fm",
            ),
            ("github.com/foo/bar/v4.(*Foo).Bar", "bar.(*Foo).Bar"),
            ("github.com/foo/bar/v4/baz.Foo.Bar", "baz.Foo.Bar"),
            ("github.com/foobar/v1.(*Foo).Bar", "v1.(*Foo).Bar"),
            ("example.org/v2xyz.Foo", "v2xyz.Foo"),
            (
                "github.com/foo/bar/v4/foo/bar/v4.(*Foo).Bar",
                "v4.(*Foo).Bar",
            ),
            (
                "java.util.concurrent.ThreadPoolExecutor$Worker.run",
                "ThreadPoolExecutor$Worker.run",
            ),
            ("java.bar.foo.FooBar.run(java.lang.Runnable)", "FooBar.run"),
            ("(anonymous namespace)::Bar::Foo", "Bar::Foo"),
            ("(anonymous namespace)::foo", "foo"),
            (
                "cpp::namespace::Class::method()::$_100::operator()",
                "Class::method",
            ),
            ("foo_bar::Foo::bar", "Foo::bar"),
            (
                "cpp::namespace::Class::method<float, long, int>()",
                "Class::method<float, long, int>",
            ),
            ("foo/xyz", "foo/xyz"),
            (
                "com.google.perftools.gwp.benchmark.FloatBench.lambda$run$0",
                "FloatBench.lambda$run$0",
            ),
        ] {
            assert_eq!(shorten_function_name(input), want, "{input}");
        }
    }

    #[test]
    fn colors_like_pprof() {
        // Values from go tool pprof -dot output (go_shapes).
        assert_eq!(dot_color(1275.81 / 1533.75, false), "#b20900");
        assert_eq!(dot_color(1275.81 / 1533.75, true), "#edd6d5");
        assert_eq!(dot_color(0.0, false), "#b2b2b2");
        assert_eq!(dot_color(-1.0, false), "#00b200");
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_for_dot("a\"b\\c\nd"), "a\\\"b\\\\c\\ld");
    }
}
