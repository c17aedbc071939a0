//! Folded stacks (`root;caller;leaf value`), the exchange format of flame
//! graph tools. pprof has no such output; heapscope builds it from the same
//! nodes as its other reports: one frame per node of the chosen
//! granularity, inlined frames included (outermost first), identical
//! stacks summed, zero stacks left out, lines sorted by stack.

use crate::aggregate::{self, NodeOptions};
use crate::profile::Profile;
use rustc_hash::FxHashMap;

/// The folded stacks of one sample type: (stack, value), sorted by stack.
pub fn folded(p: &Profile, sample_index: usize, nodes: NodeOptions) -> Vec<(String, i64)> {
    let table = aggregate::node_table(p, nodes);
    // ';' separates frames in the format: keep it out of names.
    let names: Vec<String> = table
        .infos
        .iter()
        .map(|i| i.printable_name().replace(';', ":"))
        .collect();
    let mut sums: FxHashMap<String, i64> = FxHashMap::default();
    let mut stack = String::new();
    for s in p.samples.iter() {
        let v = s.values[sample_index];
        if v == 0 {
            continue;
        }
        stack.clear();
        for loc in s.locs.iter().rev() {
            for &n in table.nodes_of(loc.0 as usize).iter().rev() {
                if !stack.is_empty() {
                    stack.push(';');
                }
                stack.push_str(&names[n as usize]);
            }
        }
        if stack.is_empty() {
            continue;
        }
        match sums.get_mut(stack.as_str()) {
            Some(x) => *x = x.wrapping_add(v),
            None => {
                sums.insert(stack.clone(), v);
            }
        }
    }
    let mut out: Vec<(String, i64)> = sums.into_iter().filter(|(_, v)| *v != 0).collect();
    out.sort();
    out
}

/// Joins two folded outputs into inferno's differential lines
/// (`stack before after`), sorted by stack.
pub fn differential(before: &[(String, i64)], after: &[(String, i64)]) -> Vec<(String, i64, i64)> {
    let mut m: FxHashMap<&str, (i64, i64)> = FxHashMap::default();
    for (s, v) in before {
        m.entry(s).or_default().0 = *v;
    }
    for (s, v) in after {
        m.entry(s).or_default().1 = *v;
    }
    let mut out: Vec<(String, i64, i64)> = m
        .into_iter()
        .map(|(s, (b, a))| (s.to_string(), b, a))
        .collect();
    out.sort();
    out
}
