//! `tree` and `peek`: pprof's `printTree` model. Each node of the trimmed
//! graph with its callers (incoming edges) and callees (outgoing edges),
//! every edge weight relative to the node's cum.
//!
//! The graph is trimmed as pprof's `newTrimmedGraph` does for text
//! reports: nodes below `nodefraction` of Σflat dropped, the rest sorted,
//! the first `nodecount` kept, the graph rebuilt over the kept nodes (so
//! edges jump over dropped ones) and edges below `edgefraction` removed.
//! `peek` is the same report untrimmed, restricted to the nodes whose name
//! matches a regex.

use super::{TopOptions, Trimmed, compare_nodes, profile_labels, select_output_unit};
use crate::aggregate::{self, GraphRequest};
use crate::profile::Profile;
use crate::units;
use regex::Regex;
use std::cmp::Ordering;

/// Options of `tree` / `peek`: those of `top` (with pprof's `-tree`
/// default of 80 nodes) and peek's regex.
#[derive(Clone, Debug)]
pub struct TreeOptions {
    pub report: TopOptions,
    /// `peek`: only nodes whose printable name matches.
    pub symbol: Option<Regex>,
}

impl Default for TreeOptions {
    fn default() -> Self {
        TreeOptions {
            report: TopOptions {
                nodecount: 80,
                ..TopOptions::default()
            },
            symbol: None,
        }
    }
}

impl TreeOptions {
    /// pprof's `-trim=false` (and `peek`): no node limit, no fractions.
    pub fn no_trim(&mut self) {
        self.report.no_trim();
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEdge {
    /// The caller (for `callers`) or the callee (for `callees`).
    pub name: String,
    pub weight: i64,
    pub inline: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    pub name: String,
    pub flat: i64,
    pub cum: i64,
    pub callers: Vec<TreeEdge>,
    pub callees: Vec<TreeEdge>,
}

#[derive(Clone, Debug)]
pub struct TreeReport {
    /// Every line above the table (profile labels, filters, "Showing ...").
    pub header: Vec<String>,
    pub sample_type: String,
    pub sample_unit: String,
    pub output_unit: String,
    pub total: i64,
    /// Σ flat over every node of the trimmed graph.
    pub shown_total: i64,
    pub dropped_nodes: usize,
    /// Nodes in the trimmed graph (matched or not).
    pub graph_nodes: usize,
    pub entries: Vec<TreeEntry>,
}

impl TreeReport {
    pub fn format_value(&self, v: i64) -> String {
        units::scaled_label(v, &self.sample_unit, &self.output_unit)
    }
}

/// The `peek` regex matched no node: the same error as `list`'s.
pub use super::list::NoMatches;

/// Builds the tree (or peek) report. `total` is the percentage
/// denominator (computed before filtering); `extra_labels` are inserted
/// after the profile labels (the `Active filters:` block).
pub fn tree(
    p: &Profile,
    options: &TreeOptions,
    total: i64,
    extra_labels: &[String],
) -> Result<TreeReport, NoMatches> {
    let (o, symbol) = (&options.report, &options.symbol);
    let idx = o.sample_index;
    let sample_type = p.sample_type_name(idx).to_string();
    let sample_unit = p.sample_type_unit(idx).to_lowercase();
    let value = move |v: &[i64]| v[idx];
    let table = aggregate::node_table(p, o.nodes);
    let n = table.len();
    let g = aggregate::build_graph(p, &table, &value, &GraphRequest::all(false));
    let present: Vec<usize> = (0..n).filter(|&i| g.present(i)).collect();
    let total_value = present
        .iter()
        .map(|&i| g.flat[i])
        .fold(0i64, i64::wrapping_add);
    let node_cutoff = ((total_value as f64 * o.nodefraction) as i64).wrapping_abs();
    let edge_cutoff = ((total_value as f64 * o.edgefraction) as i64).wrapping_abs();
    let mut kept: Vec<usize> = present
        .iter()
        .copied()
        .filter(|&i| node_cutoff == 0 || g.cum[i].wrapping_abs() >= node_cutoff)
        .collect();
    let dropped_nodes = present.len() - kept.len();
    let orig_count = kept.len();
    // Every node is named, present or not: an edge whose weight nets to 0
    // (delta and diff profiles) can lead to a node pprof dropped for having
    // no value, and pprof still prints that neighbour's name.
    let names: Vec<String> = (0..n).map(|i| table.infos[i].printable_name()).collect();
    kept.sort_by(|&a, &b| compare_nodes(&table, &names, &g.flat, &g.cum, o.cum, a, b));
    if o.nodecount > 0 && kept.len() > o.nodecount {
        kept.truncate(o.nodecount);
    }
    let mut mask = vec![false; n];
    for &i in &kept {
        mask[i] = true;
    }
    let ge = aggregate::build_graph(
        p,
        &table,
        &value,
        &GraphRequest {
            kept: if kept.len() == present.len() {
                None
            } else {
                Some(&mask)
            },
            edges_into: None,
            with_edges: true,
        },
    );
    let mut ins: Vec<Vec<(usize, aggregate::Edge)>> = vec![Vec::new(); n];
    let mut outs: Vec<Vec<(usize, aggregate::Edge)>> = vec![Vec::new(); n];
    for (&(src, dst), &e) in &ge.edges {
        // pprof's TrimLowFrequencyEdges walks the incoming edges of the
        // graph's nodes only; an edge into a node dropped for having no
        // value (its weights netted to 0) is never trimmed.
        if ge.present(dst as usize) && e.weight.wrapping_abs() < edge_cutoff {
            continue;
        }
        outs[src as usize].push((dst as usize, e));
        ins[dst as usize].push((src as usize, e));
    }
    let edge_order = |a: &(usize, aggregate::Edge), b: &(usize, aggregate::Edge)| -> Ordering {
        b.1.weight
            .wrapping_abs()
            .cmp(&a.1.weight.wrapping_abs())
            .then_with(|| names[a.0].cmp(&names[b.0]))
            .then_with(|| table.infos[a.0].sprint().cmp(&table.infos[b.0].sprint()))
            .then_with(|| b.1.weight.cmp(&a.1.weight))
    };
    let to_edges = |v: &mut Vec<(usize, aggregate::Edge)>| -> Vec<TreeEdge> {
        v.sort_by(edge_order);
        v.iter()
            .map(|(k, e)| TreeEdge {
                name: names[*k].clone(),
                weight: e.weight,
                inline: e.inline,
            })
            .collect()
    };
    let shown_total = kept
        .iter()
        .map(|&i| g.flat[i])
        .fold(0i64, i64::wrapping_add);
    let output_unit = select_output_unit(
        &sample_unit,
        &o.unit,
        total,
        kept.iter().map(|&i| (g.flat[i], g.cum[i])),
    );
    let mut entries = Vec::new();
    for &i in &kept {
        if let Some(rx) = symbol {
            if !rx.is_match(&names[i]) {
                continue;
            }
        }
        entries.push(TreeEntry {
            name: names[i].clone(),
            flat: g.flat[i],
            cum: g.cum[i],
            callers: to_edges(&mut ins[i]),
            callees: to_edges(&mut outs[i]),
        });
    }
    if let Some(rx) = symbol {
        if entries.is_empty() {
            return Err(NoMatches(rx.as_str().to_string()));
        }
    }
    let fmt = |v: i64| units::scaled_label(v, &sample_unit, &output_unit);
    let mut header = profile_labels(p, &sample_type, total, &sample_unit, &output_unit);
    header.extend(extra_labels.iter().cloned());
    let shown = Trimmed {
        shown_total,
        dropped_nodes,
        dropped_edges: 0,
        shown_nodes: kept.len(),
        orig_count,
    };
    header.extend(shown.labels(total, (o.nodefraction, o.edgefraction), &fmt));
    Ok(TreeReport {
        header,
        sample_type,
        sample_unit,
        output_unit,
        total,
        shown_total,
        dropped_nodes,
        graph_nodes: kept.len(),
        entries,
    })
}
