//! The page's data model on small profiles: the pruned flame tree (values,
//! order, the cut), top rows in `top`'s order, the Graph view's data, and
//! embedding safety.

use crate::common;

use common::Builder;
use heapscope::aggregate::NodeOptions;
use heapscope::profile::{self, decode};
use heapscope::web::model::{self, Names};

fn decode(b: &Builder) -> profile::Profile {
    decode::decode_bytes(
        &b.bytes(),
        decode::DecodeOptions::default(),
        &profile::legacy::parse,
    )
    .unwrap()
}

/// Decodes the preorder `[name, total, self, children]` into
/// `(depth, name, total, self)`.
fn walk(arr: &[i64], names: &[String]) -> Vec<(usize, String, i64, i64)> {
    let mut out = Vec::new();
    let mut i = 0;
    fn rec(
        arr: &[i64],
        i: &mut usize,
        d: usize,
        names: &[String],
        out: &mut Vec<(usize, String, i64, i64)>,
    ) {
        let (n, v, s, k) = (arr[*i], arr[*i + 1], arr[*i + 2], arr[*i + 3]);
        *i += 4;
        let name = if n < 0 {
            "<root>".to_string()
        } else {
            names[n as usize].clone()
        };
        out.push((d, name, v, s));
        for _ in 0..k {
            rec(arr, i, d + 1, names, out);
        }
    }
    rec(arr, &mut i, 0, names, &mut out);
    assert_eq!(i, arr.len());
    out
}

#[test]
fn flame_tree_values_order_and_cut() {
    let mut b = Builder::default();
    // Stacks are leaf first.
    b.sample(&["a", "main"], &[1, 6000, 1, 6000]);
    b.sample(&["b", "a", "main"], &[1, 3000, 1, 3000]);
    b.sample(&["c", "main"], &[1, 1000, 1, 1000]);
    b.sample(&["tiny", "main"], &[1, 1, 1, 1]); // below 1/4000 of 10001
    b.sample(&["main"], &[0, 0, 0, 0]);
    let p = decode(&b);
    let mut names = Names::default();
    let totals: Vec<i64> = (0..4)
        .map(|i| heapscope::report::compute_total(&p, i))
        .collect();
    let views = model::views(
        &p,
        NodeOptions::default(),
        &totals,
        &[],
        &model::all_types(&p),
        &[3],
        &mut names,
        None,
    );
    assert_eq!(views.len(), 4);
    // The call graph is drawn for the types asked for only.
    assert!(!views[3].graph.omitted && views[3].graph.svg.starts_with("<svg"));
    for v in &views[..3] {
        assert!(v.graph.omitted && v.graph.svg.is_empty() && v.graph.nodes.is_empty());
    }
    let v = &views[3];
    assert_eq!(v.total, 10001);
    let tree = walk(&v.flame, &names.list);
    let want: Vec<(usize, String, i64, i64)> = vec![
        (0, "<root>".into(), 10001, 0),
        (1, "main".into(), 10001, 0),
        (2, "a".into(), 9000, 6000),
        (3, "b".into(), 3000, 3000),
        (2, "c".into(), 1000, 1000),
    ];
    assert_eq!(tree, want, "tiny is pruned, its value stays in main");
    assert_eq!(v.flame_cut, 2);
    // Object counts: every box is above the cut (4 objects, cut 1).
    let objs = walk(&views[2].flame, &names.list);
    assert!(objs.iter().any(|(_, n, v, _)| n == "tiny" && *v == 1));
    // Top rows: flat then name, as top.
    let top: Vec<(String, i64, i64)> = v
        .top
        .iter()
        .map(|&(n, f, c)| (names.list[n as usize].clone(), f, c))
        .collect();
    assert_eq!(
        top,
        vec![
            ("a".into(), 6000, 9000),
            ("b".into(), 3000, 3000),
            ("c".into(), 1000, 1000),
            ("tiny".into(), 1, 1),
            ("main".into(), 0, 10001),
        ]
    );
}

#[test]
fn recursion_counts_cum_once_in_top() {
    let mut b = Builder::default();
    b.sample(&["f", "f", "f", "main"], &[1, 100, 1, 100]);
    let p = decode(&b);
    let mut names = Names::default();
    let totals = vec![1, 100, 1, 100];
    let v = model::views(
        &p,
        NodeOptions::default(),
        &totals,
        &[],
        &[3],
        &[],
        &mut names,
        None,
    );
    assert_eq!(v.len(), 1);
    assert!(v[0].graph.omitted);
    let f = v[0]
        .top
        .iter()
        .find(|r| names.list[r.0 as usize] == "f")
        .unwrap();
    assert_eq!((f.1, f.2), (100, 100));
    let tree = walk(&v[0].flame, &names.list);
    assert_eq!(tree.len(), 5, "{tree:?}");
    assert_eq!(tree[4], (4, "f".into(), 100, 100));
}

#[test]
fn graph_view_data_names_every_node_and_escapes() {
    let mut b = Builder::default();
    b.sample(&["evil<script>\"&'x", "main"], &[1, 6000, 1, 6000]);
    b.sample(&["b", "main"], &[1, 3000, 1, 3000]);
    b.sample(&["tiny", "main"], &[1, 1, 1, 1]); // under nodefraction 0.005
    let p = decode(&b);
    let mut names = Names::default();
    let g = model::graph_data(&p, NodeOptions::default(), 3, 9001, &[], &mut names);
    assert!(g.error.is_empty(), "{}", g.error);
    assert!(g.svg.starts_with("<svg "), "the <svg> element alone");
    assert!(!g.svg.contains("<script"), "names are escaped");
    // `nodeN` is names[nodes[N-1]], one per node box, default trimming.
    let boxes = g.svg.matches("class=\"node\"").count();
    assert_eq!(boxes, g.nodes.len());
    let mut shown: Vec<&str> = g
        .nodes
        .iter()
        .map(|&n| names.list[n as usize].as_str())
        .collect();
    shown.sort();
    assert_eq!(shown, ["b", "evil<script>\"&'x", "main"]);
    for (i, &n) in g.nodes.iter().enumerate() {
        let name = &names.list[n as usize];
        let group = g
            .svg
            .split(&format!("<g id=\"node{}\"", i + 1))
            .nth(1)
            .unwrap();
        let title = group
            .split("<title>")
            .nth(1)
            .unwrap()
            .split(" (")
            .next()
            .unwrap();
        let unescaped = title
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        assert_eq!(&unescaped, name, "node{}", i + 1);
    }
}

/// The one-walk flat/cum of several types equals `aggregate::flat_cum`
/// per type (recursion, inlined frames, zero values), and the views'
/// top rows of every type equal those computed one type at a time.
#[test]
fn one_walk_for_every_type_matches_one_walk_per_type() {
    let mut b = Builder::default();
    b.sample(&["f", "f", "g", "main"], &[1, 100, 0, 0]);
    b.sample(&["g", "main"], &[2, 0, 2, 50]);
    b.sample(&["h", "g", "h", "main"], &[3, 30, 1, 10]);
    b.sample(&["main"], &[0, 0, 5, 5]);
    b.sample(&["f", "main"], &[-1, -7, 0, 0]);
    let p = decode(&b);
    let t = heapscope::aggregate::node_table(&p, NodeOptions::default());
    let cols = model::flat_cum_columns(&p, &t, &[3, 0, 1]);
    for (c, idx) in [3, 0, 1].into_iter().enumerate() {
        let want = heapscope::aggregate::flat_cum(&p, &t, idx);
        assert_eq!(cols[c], want, "type {idx}");
    }
    let totals: Vec<i64> = (0..4)
        .map(|i| heapscope::report::compute_total(&p, i))
        .collect();
    let mut names = Names::default();
    let all = model::views(
        &p,
        NodeOptions::default(),
        &totals,
        &[],
        &model::all_types(&p),
        &[],
        &mut names,
        None,
    );
    for (idx, view) in all.iter().enumerate() {
        let mut one_names = Names::default();
        let one = model::views(
            &p,
            NodeOptions::default(),
            &totals,
            &[],
            &[idx],
            &[],
            &mut one_names,
            None,
        );
        let named = |rows: &[(u32, i64, i64)], n: &Names| -> Vec<(String, i64, i64)> {
            rows.iter()
                .map(|&(i, f, c)| (n.list[i as usize].clone(), f, c))
                .collect()
        };
        assert_eq!(
            named(&view.top, &names),
            named(&one[0].top, &one_names),
            "type {idx}"
        );
        assert!(!view.top.is_empty());
    }
}

/// The call graph of a profile big enough to be built on every core
/// (over 2^20 frames: the parts are added up) equals the graph of the
/// same stacks, each once with its summed value, built in one walk: the
/// same nodes, values, edges (residual and recursive ones included) and
/// edge order. The stacks of the second half add edges of their own, so
/// that the merge must keep each edge's first place.
#[test]
fn graph_built_in_parts_equals_one_walk() {
    use heapscope::graph::{self, GraphOptions};
    let pads: Vec<String> = (0..90).map(|i| format!("pad{i}")).collect();
    let q1: [(&[&str], i64); 4] = [
        (&["a", "b", "main"], 1000),
        (&["c", "t1", "b", "main"], 2),
        (&["c", "b", "main"], 500),
        (&["b", "main"], 50),
    ];
    let q2: [(&[&str], i64); 4] = [
        (&["d", "a", "main"], 700),
        (&["e", "d", "e", "main"], 300),
        (&["f", "t2", "main"], 3),
        (&["f", "main"], 400),
    ];
    let stack = |s: &[&str]| -> Vec<String> {
        s.iter()
            .map(|x| x.to_string())
            .chain(pads.iter().rev().cloned())
            .collect()
    };
    const R: i64 = 1700;
    let mut big = Builder::default();
    let mut once = Builder::default();
    for half in [&q1, &q2] {
        for _ in 0..R {
            for (s, v) in half.iter() {
                let st = stack(s);
                let st: Vec<&str> = st.iter().map(|x| x.as_str()).collect();
                big.sample(&st, &[1, *v, 1, *v]);
            }
        }
        for (s, v) in half.iter() {
            let st = stack(s);
            let st: Vec<&str> = st.iter().map(|x| x.as_str()).collect();
            once.sample(&st, &[R, v * R, R, v * R]);
        }
    }
    let (big, once) = (decode(&big), decode(&once));
    assert!(big.samples.locs.len() > 1 << 20, "big enough to split");
    let o = GraphOptions {
        sample_index: 3,
        ..GraphOptions::default()
    };
    let shape = |g: &graph::CallGraph| {
        let nodes: Vec<(String, i64, i64)> = g
            .nodes
            .iter()
            .map(|n| (g.info(n).printable_name(), n.flat, n.cum))
            .collect();
        let edges: Vec<(u32, u32, i64, bool, bool)> = g
            .edges
            .iter()
            .map(|e| (e.src, e.dst, e.weight, e.residual, e.inline))
            .collect();
        (nodes, edges, g.orig_count, g.dropped_nodes, g.dropped_edges)
    };
    let (gb, go) = (
        graph::trimmed_graph(&big, &o),
        graph::trimmed_graph(&once, &o),
    );
    let (sb, so) = (shape(&gb), shape(&go));
    assert_eq!(sb, so);
    // The case is not trivial: trimmed to 80 nodes, t1 and t2 dropped
    // (residual edges), recursion.
    assert_eq!(sb.0.len(), 80);
    assert!(sb.3 > 0 && sb.1.iter().any(|e| e.3), "{:?}", sb.1);
}

/// The page of a big profile shows one sample type, and `report` then
/// decodes it leanly with its labels (`LeanColumns::Labeled`): its views
/// (top rows, flame tree, call graph with tags, totals) must be exactly
/// those of the full decode.
#[test]
fn lean_views_equal_full_views() {
    let mut cases: Vec<Vec<u8>> = (1..=6)
        .map(|seed| crate::graph::labelled_profile(seed).bytes())
        .collect();
    let fixtures = crate::reports_common::fixtures();
    for name in ["go_shapes.pb.gz", "snap5.pb.gz", "node_fine_b.pb.gz"] {
        cases.push(std::fs::read(fixtures.join(name)).unwrap());
    }
    let json = |p: &profile::Profile,
                totals: &[i64],
                idx: usize,
                seen: Option<&[Box<[profile::Label]>]>| {
        let mut names = Names::default();
        let views = model::views(
            p,
            NodeOptions::default(),
            totals,
            &[],
            &[idx],
            &[idx],
            &mut names,
            seen,
        );
        serde_json::to_string(&(views, names.list)).unwrap()
    };
    let mut compared = 0;
    for (i, bytes) in cases.iter().enumerate() {
        for req in ["", "0", "1"] {
            let full =
                decode::decode_bytes(bytes, Default::default(), &decode::no_text_formats).unwrap();
            let Ok(idx) = profile::sample_index(&full, req) else {
                continue;
            };
            let totals: Vec<i64> = (0..full.sample_types.len())
                .map(|t| heapscope::report::compute_total(&full, t))
                .collect();
            let want = json(&full, &totals, idx, None);
            let l = decode::decode_reader_lean(
                &bytes[..],
                Default::default(),
                decode::LeanColumns::Labeled(req),
                None,
            )
            .expect("a lean decode");
            assert_eq!(l.frames as usize, full.samples.locs.len(), "case {i}");
            let lt: Vec<i64> = (0..full.sample_types.len())
                .map(|t| l.totals.total(t))
                .collect();
            assert_eq!(lt, totals, "case {i}");
            let got = json(&l.profile, &lt, idx, Some(&l.label_lists));
            assert_eq!(got, want, "case {i} -i {req:?}");
            compared += 1;
        }
    }
    assert!(compared >= 20, "{compared}");
}
