//! Property tests of `diff` on random profiles: diff(a, a) is all zero,
//! diff(a, b) = -diff(b, a) row by row, and the untrimmed flat deltas sum
//! to the total delta; `trend` over snapshots that record their times
//! gives the same report in any argument order.

use crate::common;

use common::Builder;
use heapscope::aggregate::NodeOptions;
use heapscope::profile::decode::{self, DecodeOptions};
use heapscope::report::diff::{self, DiffOptions};
use heapscope::report::nodes::{self, NodeValues};
use heapscope::report::trend::{Order, TrendBuilder, TrendOptions};
use proptest::prelude::*;
use std::collections::BTreeMap;

const NAMES: &[&str] = &[
    "main.main",
    "main.a",
    "main.b",
    "runtime.mallocgc",
    "main.rec",
];

type Stacks = Vec<(Vec<usize>, [i64; 4])>;

fn values(s: &Stacks, idx: usize) -> NodeValues {
    let mut b = Builder::default();
    for (stack, vals) in s {
        let names: Vec<&str> = stack.iter().map(|&i| NAMES[i]).collect();
        b.sample(&names, vals);
    }
    let p = decode::decode_bytes(
        &b.gzip(),
        DecodeOptions::default(),
        &decode::no_text_formats,
    )
    .unwrap();
    nodes::node_values(&p, idx, NodeOptions::default())
}

fn stacks() -> impl Strategy<Value = Stacks> {
    prop::collection::vec(
        (
            prop::collection::vec(0..NAMES.len(), 1..6),
            [0i64..5, 0i64..5000, 0i64..5, 0i64..5000],
        ),
        0..20,
    )
}

fn deltas(r: &diff::DiffReport) -> BTreeMap<String, i64> {
    r.rows.iter().map(|x| (x.name.clone(), x.delta)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn diff_with_itself_is_zero(s in stacks(), idx in 0usize..4, cum: bool) {
        let a = values(&s, idx);
        let r = diff::diff(&a, &a, &DiffOptions { cum, nodecount: 0 });
        prop_assert_eq!(r.delta_total(), 0);
        for row in &r.rows {
            prop_assert_eq!(row.delta, 0);
            prop_assert_eq!(row.status, diff::Status::Same);
        }
    }

    #[test]
    fn diff_is_antisymmetric(a in stacks(), b in stacks(), idx in 0usize..4, cum: bool) {
        let (va, vb) = (values(&a, idx), values(&b, idx));
        let o = DiffOptions { cum, nodecount: 0 };
        let ab = diff::diff(&va, &vb, &o);
        let ba = diff::diff(&vb, &va, &o);
        prop_assert_eq!(ab.delta_total(), -ba.delta_total());
        let (dab, dba) = (deltas(&ab), deltas(&ba));
        prop_assert_eq!(dab.len(), dba.len());
        for (name, d) in &dab {
            prop_assert_eq!(*d, -dba[name]);
        }
        // Sigma is symmetric too.
        prop_assert!((ab.delta_sigma() - ba.delta_sigma()).abs() < 1e-6 * (1.0 + ab.delta_sigma()));
    }

    #[test]
    fn flat_deltas_sum_to_the_total_delta(a in stacks(), b in stacks(), idx in 0usize..4) {
        let (va, vb) = (values(&a, idx), values(&b, idx));
        let r = diff::diff(&va, &vb, &DiffOptions { cum: false, nodecount: 0 });
        let sum: i64 = r.rows.iter().map(|x| x.delta).sum();
        prop_assert_eq!(sum, r.delta_total());
        let ta: i64 = a.iter().map(|(_, v)| v[idx]).sum();
        let tb: i64 = b.iter().map(|(_, v)| v[idx]).sum();
        prop_assert_eq!(r.delta_total(), tb - ta);
        // Sorted by |delta| descending, then name: a total order.
        for w in r.rows.windows(2) {
            prop_assert!(diff::compare_rows(&w[0], &w[1]) == std::cmp::Ordering::Less);
        }
    }

    #[test]
    fn trend_ignores_argument_order(
        snaps in prop::collection::vec(stacks(), 2..7),
        idx in 0usize..4,
        cum: bool,
        seed in 0u64..1000,
    ) {
        let vals: Vec<NodeValues> = snaps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut v = values(s, idx);
                v.time_nanos = (i as i64 + 1) * 1_000_000_000;
                v
            })
            .collect();
        // A permutation of the snapshots, from the seed.
        let mut order: Vec<usize> = (0..vals.len()).collect();
        let mut x = seed;
        for i in (1..order.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (x >> 33) as usize % (i + 1));
        }
        let build = |ord: &[usize]| {
            let mut b = TrendBuilder::new(cum);
            for &i in ord {
                b.add(&vals[i], &format!("s{i}"));
            }
            b.finish(&TrendOptions { limit: Some(1 << 20), ..Default::default() })
        };
        let sorted: Vec<usize> = (0..vals.len()).collect();
        let (a, b) = (build(&sorted), build(&order));
        prop_assert_eq!(a.order, Order::Time { moved: false });
        prop_assert_eq!(b.order, Order::Time { moved: order != sorted });
        prop_assert_eq!(&a.rows, &b.rows);
        prop_assert_eq!(&a.totals, &b.totals);
        prop_assert_eq!(&a.labels, &b.labels);
        prop_assert_eq!(a.limit, b.limit);
    }
}
