//! Property tests of `diff` on random profiles: diff(a, a) is all zero,
//! diff(a, b) = -diff(b, a) row by row, and the untrimmed flat deltas sum
//! to the total delta.

mod common;

use common::Builder;
use heapscope::aggregate::NodeOptions;
use heapscope::profile::decode::{self, DecodeOptions};
use heapscope::report::diff::{self, DiffOptions};
use heapscope::report::nodes::{self, NodeValues};
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
}
