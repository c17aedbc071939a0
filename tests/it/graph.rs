//! `heapscope graph`: DOT byte for byte against `go tool pprof -dot`
//! (tests/golden/graph/, copied from the shared corpus references), and the
//! in-process SVG/PNG: well-formed, every kept node drawn with its label
//! and tooltip, no two boxes overlapping (from the layout), callers above
//! callees, recursion and cycles, one node, an empty profile, escaping, and
//! a graph too large to draw refused quickly.

use crate::common;
use crate::reports_common;

use common::{Builder, run_in};
use heapscope::graph::{self, GraphOptions, GraphReport};
use heapscope::profile::{Profile, decode};
use heapscope::render::graph_svg;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::path::Path;

#[test]
fn dot_matches_pprof() {
    reports_common::check_goldens("graph");
}

fn load(bytes: &[u8]) -> Profile {
    decode::decode_bytes(bytes, Default::default(), &decode::no_text_formats).expect("decodes")
}

fn fixture(name: &str) -> Profile {
    load(&std::fs::read(reports_common::fixtures().join(name)).unwrap())
}

fn report(p: &Profile, o: GraphOptions) -> GraphReport {
    let idx = p.sample_types.len() - 1;
    let o = GraphOptions {
        sample_index: idx,
        ..o
    };
    let total = heapscope::report::compute_total(p, idx);
    graph::graph_report(p, &o, total, &[])
}

/// Boxes of the layout must not overlap, and every edge between two nodes
/// goes down unless it closes a cycle.
fn check_layout(r: &GraphReport) -> graph_svg::Placed {
    let placed = graph_svg::place(r).expect("drawable");
    let rects = placed.rects();
    assert_eq!(rects.len(), placed.picture.boxes.len());
    for i in 0..rects.len() {
        for j in i + 1..rects.len() {
            let (a, b) = (rects[i], rects[j]);
            let apart =
                a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(
                apart,
                "{} {:?} overlaps {} {:?}",
                placed.picture.boxes[i].id, a, placed.picture.boxes[j].id, b
            );
        }
    }
    // Text fits its box (by the same metrics the layout used).
    for b in &placed.picture.boxes {
        for l in &b.lines {
            assert!(graph_svg::text_width(l, b.font) <= b.w, "{} {l:?}", b.id);
        }
        assert!(b.lines.len() as f64 * b.font <= b.h, "{}", b.id);
    }
    placed
}

#[test]
fn layouts_have_no_overlaps() {
    for (name, count) in [
        ("go_shapes.pb.gz", 80),
        ("snap5.pb.gz", 80),
        ("node_fine_b.pb.gz", 80),
        ("node_fine_b.pb.gz", 300),
    ] {
        let p = fixture(name);
        let r = report(
            &p,
            GraphOptions {
                nodecount: count,
                ..GraphOptions::default()
            },
        );
        assert!(!r.graph.nodes.is_empty(), "{name}");
        let placed = check_layout(&r);
        // Callers above callees for most edges (cycles excepted).
        let pos = &placed.layout.pos;
        let down = placed
            .picture
            .edges
            .iter()
            .filter(|e| pos[e.src].1 < pos[e.dst].1)
            .count();
        assert!(
            down * 10 >= placed.picture.edges.len() * 9,
            "{name}: {down}"
        );
    }
}

/// Parses the SVG, returns each `<g id=...>` with its title and texts.
fn svg_groups(svg: &str) -> HashMap<String, (String, Vec<String>)> {
    let mut r = Reader::from_str(svg);
    let mut groups = HashMap::new();
    let mut cur: Option<String> = None;
    let mut in_title = false;
    let mut in_text = false;
    let mut depth = 0i32;
    loop {
        match r.read_event().expect("well-formed SVG") {
            Event::Start(e) => {
                depth += 1;
                match e.name().as_ref() {
                    b"g" => {
                        if let Some(id) = e.try_get_attribute("id").unwrap() {
                            let id = String::from_utf8_lossy(&id.value).into_owned();
                            groups.insert(id.clone(), (String::new(), Vec::new()));
                            cur = Some(id);
                        }
                    }
                    b"title" => in_title = true,
                    b"text" => {
                        in_text = true;
                        if let Some(id) = &cur {
                            groups.get_mut(id).unwrap().1.push(String::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                depth -= 1;
                match e.name().as_ref() {
                    b"title" => in_title = false,
                    b"text" => in_text = false,
                    b"g" => cur = None,
                    _ => {}
                }
            }
            ev @ (Event::Text(_) | Event::GeneralRef(_)) => {
                let s = match ev {
                    Event::Text(t) => String::from_utf8_lossy(t.as_ref()).into_owned(),
                    Event::GeneralRef(r) => match r.as_ref() {
                        b"amp" => "&".into(),
                        b"lt" => "<".into(),
                        b"gt" => ">".into(),
                        b"quot" => "\"".into(),
                        b"#39" => "'".into(),
                        other => panic!("unexpected entity {:?}", String::from_utf8_lossy(other)),
                    },
                    _ => unreachable!(),
                };
                if let Some(id) = &cur {
                    let g = groups.get_mut(id).unwrap();
                    if in_title {
                        g.0.push_str(&s);
                    } else if in_text {
                        g.1.last_mut().unwrap().push_str(&s);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    groups
}

/// The DOT output's node ids, tooltips and label lines.
fn dot_nodes(dot: &str) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for l in dot.lines() {
        if !l.starts_with('N') || l.contains(" -> ") {
            continue;
        }
        let grab = |key: &str| -> String {
            let i = l.find(key).unwrap() + key.len();
            let rest = &l[i..];
            let mut s = String::new();
            let mut esc = false;
            for c in rest.chars() {
                if esc {
                    s.push(c);
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                    s.push(c);
                } else if c == '"' {
                    break;
                } else {
                    s.push(c);
                }
            }
            s
        };
        let label = if l.contains("label=\"") {
            grab("label=\"")
        } else {
            grab("label = \"")
        };
        let lines = label
            .split("\\n")
            .map(|x| x.replace("\\\"", "\"").replace("\\\\", "\\"))
            .collect();
        out.push((grab("id=\""), grab("tooltip=\""), lines));
    }
    out
}

#[test]
fn svg_has_every_dot_node_with_its_label_and_tooltip() {
    let dir = reports_common::fixtures();
    for args in [
        vec!["graph", "--format", "svg", "go_shapes.pb.gz"],
        vec![
            "graph",
            "--format",
            "svg",
            "--diff-base",
            "snap1.pb.gz",
            "snap5.pb.gz",
        ],
        vec![
            "graph",
            "--format",
            "svg",
            "--granularity",
            "lines",
            "snap5.pb.gz",
        ],
    ] {
        let svg = run_in(&dir, &args, None);
        assert!(
            svg.status.success(),
            "{}",
            String::from_utf8_lossy(&svg.stderr)
        );
        let svg = String::from_utf8(svg.stdout).unwrap();
        let mut dot_args = args.clone();
        dot_args[2] = "dot";
        let dot = String::from_utf8(run_in(&dir, &dot_args, None).stdout).unwrap();
        let groups = svg_groups(&svg);
        let nodes = dot_nodes(&dot);
        assert!(nodes.len() > 3, "{args:?}");
        for (id, tooltip, lines) in nodes {
            let (title, texts) = groups
                .get(&id)
                .unwrap_or_else(|| panic!("{args:?}: {id} missing from the SVG"));
            assert_eq!(
                title,
                &tooltip.replace("\\\"", "\"").replace("\\\\", "\\"),
                "{id}"
            );
            assert_eq!(texts, &lines, "{id}");
        }
        let edges = dot
            .lines()
            .filter(|l| l.starts_with('N') && l.contains(" -> "))
            .count();
        let svg_edges = groups.keys().filter(|k| k.starts_with("edge")).count();
        assert_eq!(edges, svg_edges, "{args:?}");
    }
}

fn write_profile(dir: &Path, name: &str, b: &Builder) {
    std::fs::write(dir.join(name), b.gzip()).unwrap();
}

#[test]
fn recursion_cycles_one_node_and_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = Builder::default();
    // Direct recursion, mutual recursion, and a cycle through three.
    b.sample(&["a", "a", "a", "main"], &[1, 100, 1, 100]);
    b.sample(&["even", "odd", "even", "odd", "main"], &[1, 200, 1, 200]);
    b.sample(&["x", "z", "y", "x", "main"], &[1, 300, 1, 300]);
    write_profile(dir.path(), "rec.pb.gz", &b);
    let mut one = Builder::default();
    one.sample(&["only"], &[1, 64, 1, 64]);
    write_profile(dir.path(), "one.pb.gz", &one);
    write_profile(dir.path(), "empty.pb.gz", &Builder::default());

    let dot = run_in(dir.path(), &["graph", "rec.pb.gz"], None);
    assert!(dot.status.success());
    let dot = String::from_utf8(dot.stdout).unwrap();
    // pprof draws no self edges: recursion counts once per sample.
    assert!(!dot.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() > 2 && f[1] == "->" && f[0] == f[2]
    }));
    assert!(dot.contains("tooltip=\"a (100B)\""), "{dot}");
    assert!(dot.contains("tooltip=\"even -> odd (200B)\""), "{dot}");
    assert!(dot.contains("tooltip=\"odd -> even (200B)\""), "{dot}");

    for (name, nodes) in [("rec.pb.gz", 7), ("one.pb.gz", 1), ("empty.pb.gz", 0)] {
        let p = load(&std::fs::read(dir.path().join(name)).unwrap());
        let r = report(&p, GraphOptions::default());
        assert_eq!(r.graph.nodes.len(), nodes, "{name}");
        check_layout(&r);
        let out = run_in(dir.path(), &["graph", name, "-o", "g.svg"], None);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = std::fs::read_to_string(dir.path().join("g.svg")).unwrap();
        let groups = svg_groups(&svg);
        assert!(groups.contains_key("legend"));
        assert_eq!(
            groups.keys().filter(|k| k.starts_with("node")).count(),
            nodes,
            "{name}"
        );
    }
    // An empty profile still has its legend in DOT.
    let dot = run_in(dir.path(), &["graph", "empty.pb.gz"], None);
    let dot = String::from_utf8(dot.stdout).unwrap();
    assert!(
        dot.contains("Showing nodes accounting for 0, 0% of 0 total"),
        "{dot}"
    );
}

#[test]
fn names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = Builder::default();
    b.sample(&["evil<script>\"&'x", "main"], &[1, 64, 1, 64]);
    write_profile(dir.path(), "evil.pb.gz", &b);
    let out = run_in(
        dir.path(),
        // --symbolize=none: pprof's clean-up of C++-looking names would
        // drop the `<script>` group before it reaches the renderer.
        &["graph", "evil.pb.gz", "--symbolize=none", "--format", "svg"],
        None,
    );
    assert!(out.status.success());
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(!svg.contains("<script>"));
    assert!(svg.contains("evil&lt;script&gt;&quot;&amp;&#39;x"));
    svg_groups(&svg);
    let dot = String::from_utf8(
        run_in(
            dir.path(),
            &["graph", "evil.pb.gz", "--symbolize=none"],
            None,
        )
        .stdout,
    )
    .unwrap();
    assert!(
        dot.contains("tooltip=\"evil<script>\\\"&'x (64B)\""),
        "{dot}"
    );
}

#[test]
fn png_is_a_png_of_the_svg_size() {
    let dir = reports_common::fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let out_png = tmp.path().join("g.png");
    let out = run_in(
        &dir,
        &["graph", "go_shapes.pb.gz", "-o", out_png.to_str().unwrap()],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&out_png).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    let svg = String::from_utf8(
        run_in(&dir, &["graph", "go_shapes.pb.gz", "--format", "svg"], None).stdout,
    )
    .unwrap();
    let head = &svg[svg.find("<svg").unwrap()..];
    let attr = |k: &str| -> f64 {
        let i = head.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
        head[i..i + head[i..].find('"').unwrap()].parse().unwrap()
    };
    assert_eq!(w as f64, attr("width"));
    assert_eq!(h as f64, attr("height"));
}

#[test]
fn too_large_to_draw_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = Builder::default();
    let names: Vec<String> = (0..5000).map(|i| format!("leaf{i}")).collect();
    for n in &names {
        b.sample(&[n.as_str(), "main"], &[1, 1024, 1, 1024]);
    }
    write_profile(dir.path(), "wide.pb.gz", &b);
    let t = std::time::Instant::now();
    let out = run_in(
        dir.path(),
        &[
            "graph",
            "wide.pb.gz",
            "--nodecount",
            "0",
            "--nodefraction",
            "0",
            "-o",
            "g.svg",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("too large to draw"), "{err}");
    assert!(!dir.path().join("g.svg").exists());
    assert!(t.elapsed().as_secs() < 20);
    // DOT has no such limit.
    let out = run_in(
        dir.path(),
        &[
            "graph",
            "wide.pb.gz",
            "--nodecount",
            "0",
            "--nodefraction",
            "0",
        ],
        None,
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("id=\"node5001\""));
}

#[test]
fn format_from_extension_and_bad_extension() {
    let dir = reports_common::fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let dotf = tmp.path().join("g.dot");
    let out = run_in(
        &dir,
        &["graph", "go_shapes.pb.gz", "-o", dotf.to_str().unwrap()],
        None,
    );
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&dotf)
            .unwrap()
            .starts_with("digraph \"shapes\" {")
    );
    let bad = tmp.path().join("g.jpeg");
    let out = run_in(
        &dir,
        &["graph", "go_shapes.pb.gz", "-o", bad.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format dot|svg|png"));
}

/// The call graph (DOT) of `bytes` at sample index `req`, from a full
/// decode, and from the lean decode `heapscope graph` uses for one file
/// (`None` when the lean decode gives up, as it must for text formats).
/// `None` when the profile has no such sample index.
fn full_and_lean_dot(
    bytes: &[u8],
    req: &str,
    o: &GraphOptions,
) -> Option<(String, Option<String>)> {
    let dot = |r: &GraphReport| {
        let mut out = Vec::new();
        heapscope::render::dot::write_dot(r, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let full =
        decode::decode_bytes(bytes, Default::default(), &decode::no_text_formats).expect("decodes");
    let idx = heapscope::profile::sample_index(&full, req).ok()?;
    let fo = GraphOptions {
        sample_index: idx,
        ..o.clone()
    };
    let total = heapscope::report::compute_total(&full, idx);
    let want = dot(&graph::graph_report(&full, &fo, total, &[]));
    let lean = decode::decode_reader_lean(
        bytes,
        Default::default(),
        decode::LeanColumns::Labeled(req),
        None,
    );
    let got = lean.map(|l| {
        let idx = heapscope::profile::sample_index(&l.profile, req).expect("sample index");
        let lo = GraphOptions {
            sample_index: idx,
            ..o.clone()
        };
        let t = heapscope::aggregate::node_table(&l.profile, lo.nodes);
        let g = graph::trimmed_graph_seen(&l.profile, &t, &lo, None, Some(&l.label_lists));
        dot(&graph::graph_report_of(
            &l.profile,
            &lo,
            l.totals.total(idx),
            &[],
            g,
        ))
    });
    Some((want, got))
}

/// Option sets the lean graph is compared under: pprof's default, no
/// trimming, a small node count (tags counted as nodes), text order with
/// a cum sort, another unit.
fn option_sets() -> Vec<GraphOptions> {
    let mut no_trim = GraphOptions::default();
    no_trim.no_trim();
    vec![
        GraphOptions::default(),
        no_trim,
        GraphOptions {
            nodecount: 4,
            ..GraphOptions::default()
        },
        GraphOptions {
            nodefraction: 0.0,
            nodecount: 6,
            ..GraphOptions::default()
        },
        GraphOptions {
            visual: false,
            cum_sort: true,
            ..GraphOptions::default()
        },
        GraphOptions {
            unit: "kb".into(),
            ..GraphOptions::default()
        },
    ]
}

/// A deterministic mix of what the lean decode must get right: zero
/// samples first (their labels name the first tags and the `bytes`
/// unit), string labels in several orders, `pprof::base` samples,
/// negative values, equal stacks with equal and with other labels.
pub(crate) fn labelled_profile(seed: u64) -> Builder {
    let mut b = Builder::default();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let fns = [
        "main", "serve", "handle", "parse", "alloc", "grow", "copy", "leaf",
    ];
    for i in 0..400 {
        let depth = 1 + next(6) as usize;
        let mut stack: Vec<&str> = (0..depth)
            .map(|_| fns[next(fns.len() as u64) as usize])
            .collect();
        stack.push("main");
        let v = |n: &mut dyn FnMut(u64) -> u64| -> i64 {
            match n(5) {
                0 => 0,
                1 => -(n(1000) as i64) - 1,
                _ => n(100_000) as i64 + 1,
            }
        };
        let mut vals = [v(&mut next), v(&mut next), v(&mut next), v(&mut next)];
        if i < 40 {
            // Zero in the default column: dropped by the lean decode.
            vals[3] = 0;
        }
        b.sample(&stack, &vals);
        let mut labels = Vec::new();
        let kinds = next(8);
        if kinds & 1 != 0 {
            let key = b.s(["region", "tenant", "pprof::base"][next(3) as usize]);
            let val = b.s(["eu", "us", "true"][next(3) as usize]);
            labels.push(heapscope::proto::Label {
                key,
                str: val,
                ..Default::default()
            });
        }
        if kinds & 2 != 0 {
            let key = b.s("bytes");
            let unit = if i == 7 { b.s("kilobytes") } else { 0 };
            labels.push(heapscope::proto::Label {
                key,
                num: [8, 16, 1000, 1024, 1030, 4096][next(6) as usize],
                num_unit: unit,
                ..Default::default()
            });
        }
        if kinds & 4 != 0 {
            labels.reverse();
            let key = b.s("tenant");
            let val = b.s(["a", "b"][next(2) as usize]);
            labels.push(heapscope::proto::Label {
                key,
                str: val,
                ..Default::default()
            });
        }
        b.p.sample.last_mut().unwrap().label = labels;
    }
    b
}

/// The lean decode `graph` uses (samples with a value in the column,
/// equal stacks with equal labels merged, labels of the dropped samples
/// reduced to their distinct lists) must draw exactly the full decode's
/// graph: tags, their units, values and order, totals, trimming.
#[test]
fn lean_graph_equals_full_graph() {
    let mut cases: Vec<(String, Vec<u8>)> = (1..=12)
        .map(|seed| (format!("seed {seed}"), labelled_profile(seed).bytes()))
        .collect();
    for e in std::fs::read_dir(reports_common::fixtures()).unwrap() {
        let path = e.unwrap().path();
        let name = path.display().to_string();
        if name.ends_with(".pb.gz") {
            cases.push((name, std::fs::read(&path).unwrap()));
        }
    }
    let (mut compared, mut lean_ran) = (0, 0);
    for (name, bytes) in &cases {
        for req in ["", "0", "1", "2"] {
            for o in option_sets() {
                let Some((want, got)) = full_and_lean_dot(bytes, req, &o) else {
                    continue;
                };
                compared += 1;
                if let Some(got) = got {
                    lean_ran += 1;
                    assert_eq!(got, want, "{name} -i {req:?} {o:?}");
                }
            }
        }
    }
    // The lean decode gave up on none of these profile.proto inputs.
    assert!(compared > 12 * 4 * option_sets().len(), "{compared}");
    assert_eq!(lean_ran, compared);
    // The generated profiles do have tags, merged and dropped samples.
    let (dot, _) =
        full_and_lean_dot(&labelled_profile(3).bytes(), "", &GraphOptions::default()).unwrap();
    assert!(dot.contains("region:") || dot.contains("tenant:"), "{dot}");
    assert!(dot.contains("kB"), "{dot}");
}
