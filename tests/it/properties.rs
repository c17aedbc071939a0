//! Property tests of the aggregation core on random profiles without
//! negative values: untrimmed, the flat column sums to the total, and every
//! node's cum is at least its flat and at most the total. Also: encoding a
//! decoded profile and decoding it again gives the same report, and every
//! transformation keeps the profile valid (`check_valid`).

use crate::common;

use common::Builder;
use heapscope::aggregate::Granularity;
use heapscope::profile::decode::{self, DecodeOptions};
use heapscope::profile::{Profile, encode};
use heapscope::report::{self, TopOptions};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "main.main",
    "main.a",
    "main.b",
    "pkg.(*T).M",
    "runtime.mallocgc",
    "io.Copy",
    "main.rec",
];

fn build(stacks: &[(Vec<usize>, [i64; 4])]) -> Profile {
    let mut b = Builder::default();
    for (stack, vals) in stacks {
        let names: Vec<&str> = stack.iter().map(|&i| NAMES[i]).collect();
        b.sample(&names, vals);
    }
    decode::decode_bytes(
        &b.gzip(),
        DecodeOptions::default(),
        &decode::no_text_formats,
    )
    .unwrap()
}

fn stacks() -> impl Strategy<Value = Vec<(Vec<usize>, [i64; 4])>> {
    prop::collection::vec(
        (
            prop::collection::vec(0..NAMES.len(), 1..8),
            [0i64..5, 0i64..5000, 0i64..5, 0i64..5000],
        ),
        1..30,
    )
}

fn untrimmed(idx: usize, g: Granularity) -> TopOptions {
    let mut o = TopOptions {
        sample_index: idx,
        ..Default::default()
    };
    o.nodes.granularity = g;
    o.no_trim();
    o
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn flat_sums_to_total_and_cum_bounds(s in stacks(), idx in 0usize..4, gi in 0usize..4) {
        let g = [Granularity::Functions, Granularity::Lines, Granularity::Files, Granularity::Addresses][gi];
        let p = build(&s);
        let r = report::top(&p, &untrimmed(idx, g));
        let total: i64 = s.iter().map(|(_, v)| v[idx]).sum();
        prop_assert_eq!(r.total, total);
        let flat: i64 = r.rows.iter().map(|x| x.flat).sum();
        prop_assert_eq!(flat, total);
        for row in &r.rows {
            prop_assert!(row.cum >= row.flat, "{}: cum {} < flat {}", row.name, row.cum, row.flat);
            prop_assert!(row.cum <= total);
            prop_assert!(row.flat != 0 || row.cum != 0);
        }
        // Rows are sorted by flat, descending.
        prop_assert!(r.rows.windows(2).all(|w| w[0].flat >= w[1].flat));
    }

    #[test]
    fn encode_decode_round_trip(s in stacks()) {
        let p = build(&s);
        let mut buf = Vec::new();
        encode::write_gzip(&p, &mut buf).unwrap();
        let q = decode::decode_bytes(&buf, DecodeOptions::default(), &decode::no_text_formats).unwrap();
        let o = untrimmed(3, Granularity::Functions);
        prop_assert_eq!(report::top(&p, &o).rows, report::top(&q, &o).rows);
    }

    #[test]
    fn merging_a_profile_with_itself_doubles_it(s in stacks()) {
        let p = build(&s);
        let m = heapscope::profile::merge::merge(vec![p.clone(), p.clone()]).unwrap();
        let o = untrimmed(1, Granularity::Functions);
        let a = report::top(&p, &o);
        let b = report::top(&m, &o);
        prop_assert_eq!(a.total * 2, b.total);
        prop_assert_eq!(a.rows.len(), b.rows.len());
        for (x, y) in a.rows.iter().zip(&b.rows) {
            prop_assert_eq!(&x.name, &y.name);
            prop_assert_eq!(x.flat * 2, y.flat);
            prop_assert_eq!(x.cum * 2, y.cum);
        }
    }

    /// Every transformation keeps the model's invariants (checked here
    /// explicitly, so release-mode test runs check them too): merge,
    /// subtracting a base (relabel, negate, drop zeros), the filters and
    /// drop_frames pruning.
    #[test]
    fn transformations_keep_the_profile_valid(a in stacks(), b in stacks(), focus in 0..NAMES.len(), hide in 0..NAMES.len()) {
        use heapscope::profile::check_valid;
        use heapscope::profile::merge::{self, BaseMode};
        let (p, q) = (build(&a), build(&b));
        prop_assert_eq!(check_valid(&p), Ok(()));
        let m = merge::merge(vec![p.clone(), q.clone()]).unwrap();
        prop_assert_eq!(check_valid(&m), Ok(()));
        for mode in [BaseMode::Subtract, BaseMode::Diff] {
            let d = merge::subtract_base(p.clone(), q.clone(), mode).unwrap();
            prop_assert_eq!(check_valid(&d), Ok(()));
        }
        let mut f = m.clone();
        let spec = heapscope::filter::FilterSpec {
            focus: regex::escape(NAMES[focus]),
            hide: regex::escape(NAMES[hide]),
            ..Default::default()
        };
        heapscope::filter::apply(&mut f, &spec).unwrap();
        prop_assert_eq!(check_valid(&f), Ok(()));
        let mut g = m;
        let drop = regex::Regex::new("^runtime\\..*$").unwrap();
        heapscope::profile::prune::prune(&mut g, &drop, None);
        prop_assert_eq!(check_valid(&g), Ok(()));
    }
}

#[test]
fn recursion_counts_cum_once() {
    let p = build(&[(vec![6, 6, 6, 0], [1, 100, 1, 100])]);
    let r = report::top(&p, &untrimmed(3, Granularity::Functions));
    let rec = r.rows.iter().find(|x| x.name == "main.rec").unwrap();
    assert_eq!((rec.flat, rec.cum), (100, 100));
}

/// Profiles over a million frames take the multi-threaded path; it must
/// give exactly what the single-threaded general pass gives.
#[test]
fn parallel_passes_match_the_sequential_graph() {
    use heapscope::aggregate::{self, GraphRequest, NodeOptions};
    let mut b = Builder::default();
    let mut x: u64 = 7;
    for _ in 0..20_000 {
        let mut stack = Vec::new();
        for _ in 0..60 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            stack.push(NAMES[(x % NAMES.len() as u64) as usize]);
        }
        let v = (x % 1000) as i64;
        b.sample(&stack, &[1, v, 1, v]);
    }
    let p = decode::decode_bytes(
        &b.bytes(),
        DecodeOptions::default(),
        &decode::no_text_formats,
    )
    .unwrap();
    assert!(p.samples.locs.len() >= 1 << 20);
    let t = aggregate::node_table(&p, NodeOptions::default());
    let (flat, cum) = aggregate::flat_cum(&p, &t, 3);
    let value = |v: &[i64]| v[3];
    let all = vec![true; t.len()];
    let g = aggregate::build_graph(
        &p,
        &t,
        &value,
        &GraphRequest {
            kept: None,
            edges_into: None,
            with_edges: true,
        },
    );
    assert_eq!(flat, g.flat);
    assert_eq!(cum, g.cum);
    let lists = aggregate::in_edges(&p, &t, 3, None, &all);
    let mut n = 0;
    for (dst, list) in lists.iter().enumerate() {
        for &(src, w, inl) in list {
            let e = g.edges[&(src, dst as u32)];
            assert_eq!((e.weight, e.inline), (w, inl));
            n += 1;
        }
    }
    assert_eq!(n, g.edges.len());
}

/// The inline-mark edge pass on locations with inlined frames, recursion
/// and several kept sets: the edges into every kept node, their weights
/// and inline flags, are those of the general graph pass.
#[test]
fn edge_pass_matches_the_graph_with_inlining_and_trimming() {
    use heapscope::aggregate::{self, GraphRequest, NodeOptions};
    let mut b = Builder::default();
    let mut x: u64 = 11;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    for _ in 0..3000 {
        let depth = 2 + next(30) as usize;
        let stack: Vec<&str> = (0..depth)
            .map(|_| NAMES[next(NAMES.len() as u64) as usize])
            .collect();
        let v = next(1000) as i64 - 100;
        b.sample(&stack, &[1, v, 1, v]);
    }
    // Most locations get one or two inlined callees (inner lines first,
    // as profile.proto has them): functions of their own, called inline
    // only, and, for some, a function also called out of line.
    let nfn = b.p.function.len() as u64;
    for name in ["inl.a", "inl.b", "inl.c"] {
        let n = b.s(name);
        let id = b.p.function.len() as u64 + 1;
        b.p.function.push(heapscope::proto::Function {
            id,
            name: n,
            system_name: n,
            ..Default::default()
        });
    }
    for (k, loc) in b.p.location.iter_mut().enumerate() {
        for extra in 0..1 + (k % 2 == 0) as u64 {
            let callee = if k % 3 == 2 {
                (k as u64 * 5 + 1) % nfn + 1
            } else {
                nfn + 1 + (k as u64 + extra) % 3
            };
            loc.line.insert(
                0,
                heapscope::proto::Line {
                    function_id: callee,
                    line: 20 + extra as i64,
                    column: 0,
                },
            );
        }
    }
    let p = decode::decode_bytes(
        &b.bytes(),
        DecodeOptions::default(),
        &decode::no_text_formats,
    )
    .unwrap();
    let t = aggregate::node_table(&p, NodeOptions::default());
    let value = |v: &[i64]| v[3];
    let n = t.len();
    for mask_seed in 0..4u64 {
        let kept: Vec<bool> = (0..n as u64)
            .map(|i| mask_seed == 0 || (i * 31 + mask_seed) % 4 != 0)
            .collect();
        let g = aggregate::build_graph(
            &p,
            &t,
            &value,
            &GraphRequest {
                kept: Some(&kept),
                edges_into: None,
                with_edges: true,
            },
        );
        let lists = aggregate::in_edges(&p, &t, 3, Some(&kept), &kept);
        let mut seen = 0;
        let mut inline = 0;
        for (dst, list) in lists.iter().enumerate() {
            for &(src, w, inl) in list {
                let e = g.edges[&(src, dst as u32)];
                assert_eq!((e.weight, e.inline), (w, inl), "edge {src} -> {dst}");
                seen += 1;
                inline += usize::from(inl);
            }
        }
        assert_eq!(seen, g.edges.len(), "kept set {mask_seed}");
        assert!(
            inline > 0 && inline < seen,
            "both kinds of edges are tested: {inline} of {seen}"
        );
    }
}

// ---- lean decoding (profile::decode::lean): `top` reads big profiles
// without labels, zero samples or repeated stacks, and must report exactly
// what the full decode reports.

/// Random samples with repeated stacks, zeros, negative values and, on
/// some, the `pprof::base` label (then pprof's total counts those only).
fn lean_input(s: &[(Vec<usize>, [i64; 4], bool)], default_type: Option<usize>) -> Vec<u8> {
    let mut b = Builder::default();
    for (stack, vals, base) in s {
        let names: Vec<&str> = stack.iter().map(|&i| NAMES[i]).collect();
        b.sample(&names, vals);
        let (k, v, n) = (b.s("pprof::base"), b.s("true"), b.s("bytes"));
        let labels = &mut b.p.sample.last_mut().unwrap().label;
        labels.push(heapscope::proto::Label {
            key: n,
            num: vals[1],
            ..Default::default()
        });
        if *base {
            labels.push(heapscope::proto::Label {
                key: k,
                str: v,
                ..Default::default()
            });
        }
    }
    if let Some(t) = default_type {
        // written after the samples, as pprof itself writes profiles
        b.p.default_sample_type = b.p.sample_type[t].r#type;
    }
    b.gzip()
}

fn lean_samples() -> impl Strategy<Value = Vec<(Vec<usize>, [i64; 4], bool)>> {
    prop::collection::vec(
        (
            prop::collection::vec(0..3usize, 1..4),
            [-2i64..4, -2i64..4, 0i64..3, 0i64..3],
            prop::bool::weighted(0.2),
        ),
        1..40,
    )
}

fn lean_decode(bytes: &[u8], request: &str) -> Option<decode::LeanProfile> {
    decode::decode_reader_lean(
        bytes,
        DecodeOptions::default(),
        decode::LeanColumns::Request(request),
        Some(1 << 16),
    )
}

/// A reader that hands out its bytes a few at a time after the first 64
/// (enough to tell profile.proto from text), so that messages straddle
/// buffer refills.
struct Trickle<'a> {
    b: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.step = if self.step == 0 {
            64
        } else {
            self.step % 13 + 1
        };
        let n = self.step.min(out.len()).min(self.b.len());
        out[..n].copy_from_slice(&self.b[..n]);
        self.b = &self.b[n..];
        Ok(n)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// The decoder's two ways through samples, whole in the buffer (the
    /// tight loop) and straddling refills (one field at a time), give the
    /// same profile, full and lean.
    #[test]
    fn samples_decode_alike_whole_or_straddling(s in lean_samples()) {
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&lean_input(&s, None)[..]), &mut raw).unwrap();
        let opts = DecodeOptions::default();
        let whole = decode::decode_bytes(&raw, opts, &decode::no_text_formats).unwrap();
        let trickled = decode::decode_reader(Trickle { b: &raw, step: 0 }, opts, &decode::no_text_formats).unwrap();
        prop_assert_eq!(whole, trickled);
        let cols = decode::LeanColumns::Request("");
        let a = decode::decode_reader_lean(&raw[..], opts, cols, None).map(|l| l.profile);
        let b = decode::decode_reader_lean(Trickle { b: &raw, step: 0 }, opts, cols, None).map(|l| l.profile);
        prop_assert!(a.is_some());
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Lean and full decodes give the same `top` (trimmed and untrimmed)
    /// and the same total, for every way of asking for a sample type; a
    /// lean decode keeps no more samples than the full one and no labels.
    #[test]
    fn lean_decode_reports_what_full_decode_reports(s in lean_samples(), dt in prop::option::of(0usize..4)) {
        let bytes = lean_input(&s, dt);
        let full = decode::decode_bytes(&bytes, DecodeOptions::default(), &decode::no_text_formats).unwrap();
        for req in ["", "0", "1", "2", "3", "alloc_space", "inuse_objects", "space"] {
            let Ok(idx) = heapscope::profile::sample_index(&full, req) else { continue };
            let Some(lean) = lean_decode(&bytes, req) else {
                // only a default type named after the samples defeats the guess
                prop_assert!(req.is_empty() && dt.is_some_and(|t| t != 3), "gave up on {req:?}");
                continue;
            };
            prop_assert_eq!(heapscope::profile::sample_index(&lean.profile, req), Ok(idx));
            prop_assert_eq!(lean.totals.total(idx), report::compute_total(&full, idx), "total of {}", req);
            prop_assert!(lean.profile.samples.len() <= full.samples.len());
            prop_assert!(lean.profile.samples.labels.is_empty());
            prop_assert_eq!(heapscope::profile::check_valid(&lean.profile), Ok(()));
            for trim in [false, true] {
                let mut o = TopOptions { sample_index: idx, ..Default::default() };
                if !trim {
                    o.no_trim();
                }
                let total = report::compute_total(&full, idx);
                let a = report::top_with_total(&full, &o, total);
                let b = report::top_with_total(&lean.profile, &o, lean.totals.total(idx));
                prop_assert_eq!(a.rows, b.rows, "request {:?}", req);
                prop_assert_eq!(a.dropped_nodes, b.dropped_nodes);
                prop_assert_eq!(a.shown_total, b.shown_total);
            }
        }
    }
}

/// Equal stacks are merged and zero samples of the column dropped; the
/// other columns are summed, not lost, over the merged samples.
#[test]
fn lean_decode_merges_equal_stacks_and_drops_zeros() {
    let mut b = Builder::default();
    b.sample(&["main.a", "main.main"], &[1, 10, 1, 10]);
    b.sample(&["main.a", "main.main"], &[2, 20, 0, 0]);
    b.sample(&["main.a", "main.main"], &[3, 30, 1, 30]);
    b.sample(&["main.b", "main.main"], &[4, 40, 0, 0]);
    let bytes = b.gzip();
    let mut cur = std::io::Cursor::new(&bytes);
    assert_eq!(
        decode::gzip_size_hint(&mut cur),
        Some(b.bytes().len() as u64)
    );
    assert_eq!(cur.position(), 0);
    assert_eq!(
        decode::gzip_size_hint(&mut std::io::Cursor::new(b.bytes())),
        None
    );
    let lean = lean_decode(&bytes, "").expect("lean decode");
    assert_eq!(lean.column, Some(3));
    assert_eq!(lean.profile.samples.len(), 1);
    assert_eq!(lean.profile.samples.values, vec![4, 40, 2, 40]);
    assert_eq!(lean.totals.total(0), 10);
    let all = lean_decode(&bytes, "alloc_space").expect("lean decode");
    assert_eq!(
        all.column, None,
        "a name is matched only after the string table"
    );
    assert_eq!(all.profile.samples.len(), 2);
    // values of opposite signs are not merged (|a| + |b| != |a + b|)
    let mut b = Builder::default();
    b.sample(&["main.a"], &[1, 1, 1, 5]);
    b.sample(&["main.a"], &[1, 1, 1, -5]);
    let lean = lean_decode(&b.gzip(), "3").expect("lean decode");
    assert_eq!(lean.profile.samples.len(), 2);
}

/// A lean decode gives up (and the caller decodes in full) on what a full
/// decode refuses, even in a sample it would drop, and on a guess that the
/// end of the profile proves wrong.
#[test]
fn lean_decode_gives_up_where_full_decode_fails_or_guess_is_wrong() {
    let mut b = Builder::default();
    b.sample(&["main.a", "main.main"], &[1, 10, 1, 10]);
    let mut bytes = b.bytes();
    // one more sample, at an unknown location 999, with inuse_space 0
    bytes.extend_from_slice(&[0x12, 0x0a, 0x0a, 0x02, 0xe7, 0x07, 0x12, 0x04, 1, 1, 1, 0]);
    let full = decode::decode_bytes(&bytes, DecodeOptions::default(), &decode::no_text_formats);
    assert!(full.is_err(), "{full:?}");
    assert!(lean_decode(&bytes, "").is_none());
    assert!(lean_decode(&bytes, "0").is_none());

    b.p.default_sample_type = b.p.sample_type[1].r#type;
    let bytes = b.gzip();
    assert!(
        lean_decode(&bytes, "").is_none(),
        "guessed the last type, the default is alloc_space"
    );
    assert_eq!(lean_decode(&bytes, "1").map(|l| l.column), Some(Some(1)));
    assert!(lean_decode(b"heap profile: text", "").is_none());
    // A dropped sample's location ids are checked as a range, which
    // proves them known only when the ids are 1..N; otherwise the full
    // decode checks them one by one.
    let mut b = Builder::default();
    b.sample(&["main.a", "main.main"], &[1, 10, 1, 10]);
    b.sample(&["main.b", "main.main"], &[1, 10, 1, 0]);
    assert_eq!(
        lean_decode(&b.bytes(), "").map(|l| l.profile.samples.len()),
        Some(1)
    );
    for l in &mut b.p.location {
        l.id *= 10;
    }
    for s in &mut b.p.sample {
        s.location_id.iter_mut().for_each(|id| *id *= 10);
    }
    let full = decode::decode_bytes(
        &b.bytes(),
        DecodeOptions::default(),
        &decode::no_text_formats,
    );
    assert!(full.is_ok(), "{full:?}");
    assert!(lean_decode(&b.bytes(), "").is_none());
    // samples but no sample types: refused in full, even if all are zero
    let mut b = Builder::new(&[]);
    b.sample(&["main.a"], &[0]);
    assert!(lean_decode(&b.gzip(), "").is_none());
    assert!(lean_decode(&b.gzip(), "0").is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// The pruned frame tree of `flame_stacks` draws exactly the SVG the
    /// full folded stacks draw, at every cut-off, with the same total.
    #[test]
    fn pruned_flame_stacks_draw_the_same_svg(s in lean_samples(), mw in prop::sample::select(vec![0.0, 0.1, 1.0, 5.0, 30.0])) {
        use heapscope::render::flame::{FlameOptions, flame_svg};
        let bytes = lean_input(&s, None);
        let p = decode::decode_bytes(&bytes, DecodeOptions::default(), &decode::no_text_formats).unwrap();
        let nodes = heapscope::aggregate::NodeOptions::default();
        for idx in 0..4 {
            let full = heapscope::report::folded::folded(&p, idx, nodes);
            let pruned = heapscope::report::folded::flame_stacks(&p, idx, nodes, mw);
            let total: i64 = full.iter().map(|(_, v)| (*v).max(0)).sum();
            prop_assert_eq!(pruned.total, total);
            prop_assert_eq!(pruned.any_stack, !full.is_empty());
            // Without negative values the tree is built top down, pruned
            // as it goes: the same lines as the whole tree gives.
            let tree = heapscope::report::folded::flame_stacks_tree(&p, idx, nodes, mw);
            prop_assert_eq!(&pruned.lines, &tree.lines);
            prop_assert_eq!((pruned.total, pruned.any_stack), (tree.total, tree.any_stack));
            if total <= 0 {
                continue;
            }
            let o = FlameOptions { title: "t", subtitle: None, count_name: "bytes", min_width: mw };
            let (mut a, mut b) = (Vec::new(), Vec::new());
            flame_svg(&full, &o, &mut a).unwrap();
            flame_svg(&pruned.lines, &o, &mut b).unwrap();
            prop_assert!(a == b, "SVGs differ at sample type {} and min width {}", idx, mw);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// `diff`, `check` and `trend` read a profile leanly without merging
    /// samples (`LeanColumns::Unmerged`): its node values, variances and
    /// expected misses included, equal the full decode's, with labels,
    /// negative values and every way of asking for a sample type.
    #[test]
    fn unmerged_lean_decode_gives_the_same_node_values(s in lean_samples(), dt in prop::option::of(0usize..4), period in prop::sample::select(vec![0i64, 1, 512 * 1024])) {
        use heapscope::report::nodes::node_values;
        let mut s = s;
        // Equal stacks with different object sizes: their variances do not add up when merged.
        if let Some(first) = s.first().cloned() {
            s.push((first.0, [3, 7, 1, 900_000], false));
        }
        let bytes = {
            let p = decode::decode_bytes(&lean_input(&s, dt), DecodeOptions::default(), &decode::no_text_formats).unwrap();
            let mut p = p;
            p.period = period;
            let mut out = Vec::new();
            encode::write_gzip(&p, &mut out).unwrap();
            out
        };
        let full = decode::decode_bytes(&bytes, DecodeOptions::default(), &decode::no_text_formats).unwrap();
        for req in ["", "0", "1", "2", "3", "alloc_space", "inuse_objects"] {
            let Ok(idx) = heapscope::profile::sample_index(&full, req) else { continue };
            let Some(lean) = decode::decode_reader_lean(&bytes[..], DecodeOptions::default(), decode::LeanColumns::Unmerged(req), None) else {
                prop_assert!(req.is_empty() && dt.is_some_and(|t| t != 3), "gave up on {req:?}");
                continue;
            };
            prop_assert_eq!(heapscope::profile::sample_index(&lean.profile, req), Ok(idx));
            prop_assert!(lean.profile.samples.labels.is_empty());
            for g in [Granularity::Functions, Granularity::Lines] {
                let o = heapscope::aggregate::NodeOptions { granularity: g, ..Default::default() };
                let a = node_values(&full, idx, o);
                let b = node_values(&lean.profile, idx, o);
                prop_assert_eq!(format!("{a:?}"), format!("{b:?}"), "request {:?}", req);
            }
        }
    }
}
