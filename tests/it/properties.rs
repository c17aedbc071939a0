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
