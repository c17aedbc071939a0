//! `pprof -callgrind`: the call graph at `addresses` granularity, untrimmed,
//! as pprof's `printCallgrind` lays it out for KCachegrind. The model holds
//! the nodes in pprof's flat order with their object file, source file,
//! name (disambiguated when one name stands for several functions), line,
//! address and flat value, and each node's outgoing edges sorted as
//! pprof's `EdgeMap.Sort`; `render::callgrind` prints it.

use super::compare_nodes;
use crate::aggregate::{self, GraphRequest, NodeOptions};
use crate::profile::Profile;
use crate::units;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

/// What tells functions of one name apart: name, start line, object.
type FnKey<'a> = (&'a str, i64, &'a str);

/// One node of the callgrind graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallgrindNode {
    pub objfile: String,
    pub file: String,
    /// The function name as pprof groups cost lines by it.
    pub name: String,
    /// The name callers use: `name [i/n]` when several functions share it.
    pub callee_name: String,
    pub address: u64,
    pub lineno: i64,
    /// Flat value, already scaled to the output unit.
    pub flat: i64,
    /// (callee node index, weight in the output unit), pprof's edge order.
    pub calls: Vec<(usize, i64)>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallgrindReport {
    /// `inuse_space`.
    pub sample_type: String,
    /// The output unit (`B`, `kB`, `count`, ...).
    pub output_unit: String,
    pub nodes: Vec<CallgrindNode>,
}

/// Builds the callgrind graph for sample `idx`. `unit` is `-unit`.
pub fn callgrind(
    p: &Profile,
    idx: usize,
    nodes: NodeOptions,
    unit: &str,
    total: i64,
) -> CallgrindReport {
    let sample_type = p.sample_type_name(idx).to_string();
    let sample_unit = p.sample_type_unit(idx).to_lowercase();
    let mut table = aggregate::node_table(p, nodes);
    // pprof keeps object names (and start lines) on every node of a
    // callgrind graph.
    let objfile_of_node = objfiles(p, &table);
    let start_of_node = start_lines(p, &table);
    for (i, info) in table.infos.iter_mut().enumerate() {
        info.objfile = objfile_of_node[i].clone();
        info.start_line = start_of_node[i];
    }
    let value = move |v: &[i64]| v[idx];
    let g = aggregate::build_graph(p, &table, &value, &GraphRequest::all(true));
    let n = table.len();
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| g.present(i)).collect();
    order.sort_by(|&a, &b| compare_nodes(&table, &names, &g.flat, &g.cum, false, a, b));
    // Integers only: the smallest value is not scaled down to 0.01.
    let output_unit = super::output_unit(
        &sample_unit,
        unit,
        total,
        order.iter().map(|&i| (g.flat[i], g.cum[i])),
        true,
    );
    let scale = |v: i64| units::scale(v, &sample_unit, &output_unit).0 as i64;

    // Disambiguation: functions (name, file, start line, object) per
    // (file, name), numbered in node order.
    let mut fn_index: FxHashMap<(&str, &str), Vec<FnKey>> = FxHashMap::default();
    for &i in &order {
        let info = &table.infos[i];
        let f = (info.name.as_str(), info.start_line, info.objfile.as_str());
        let list = fn_index
            .entry((info.file.as_str(), info.name.as_str()))
            .or_default();
        if !list.contains(&f) {
            list.push(f);
        }
    }
    let pos: FxHashMap<usize, usize> = order.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    let mut out_edges: Vec<Vec<(usize, i64)>> = vec![Vec::new(); n];
    for (&(src, dst), e) in &g.edges {
        out_edges[src as usize].push((dst as usize, e.weight));
    }
    let mut out = Vec::with_capacity(order.len());
    for &i in &order {
        let info = &table.infos[i];
        let list = &fn_index[&(info.file.as_str(), info.name.as_str())];
        let callee_name = if list.len() > 1 {
            let f = (info.name.as_str(), info.start_line, info.objfile.as_str());
            let k = list.iter().position(|x| *x == f).unwrap_or(0);
            format!("{} [{}/{}]", info.name, k + 1, list.len())
        } else {
            info.name.clone()
        };
        let mut calls = std::mem::take(&mut out_edges[i]);
        calls.retain(|(d, _)| pos.contains_key(d));
        calls.sort_by(|&(da, wa), &(db, wb)| {
            let by_weight = if wa != wb {
                wb.wrapping_abs().cmp(&wa.wrapping_abs())
            } else {
                Ordering::Equal
            };
            by_weight
                .then_with(|| names[da].cmp(&names[db]))
                .then_with(|| wb.cmp(&wa))
                .then_with(|| table.infos[da].sprint().cmp(&table.infos[db].sprint()))
        });
        out.push(CallgrindNode {
            objfile: info.objfile.clone(),
            file: info.file.clone(),
            name: info.name.clone(),
            callee_name,
            address: info.address,
            lineno: info.lineno,
            flat: scale(g.flat[i]),
            calls: calls
                .into_iter()
                .map(|(d, w)| (pos[&d], scale(w)))
                .collect(),
        });
    }
    CallgrindReport {
        sample_type,
        output_unit,
        nodes: out,
    }
}

/// The object file of each node (the mapping of a location it stands for).
fn objfiles(p: &Profile, t: &aggregate::NodeTable) -> Vec<String> {
    let mut out = vec![String::new(); t.len()];
    for (li, loc) in p.locations.iter().enumerate() {
        let Some(m) = loc.mapping else { continue };
        let file = p.str(p.mapping(m).filename);
        for &n in t.nodes_of(li) {
            if out[n as usize].is_empty() {
                out[n as usize] = file.to_string();
            }
        }
    }
    out
}

/// The start line of each node's function.
fn start_lines(p: &Profile, t: &aggregate::NodeTable) -> Vec<i64> {
    let mut out = vec![0i64; t.len()];
    for (li, loc) in p.locations.iter().enumerate() {
        let lines = p.lines_of(loc);
        let ns = t.nodes_of(li);
        if lines.len() != ns.len() {
            // -noinlines: the node is the outermost frame.
            if let (Some(l), Some(&n)) = (lines.last(), ns.last()) {
                out[n as usize] = p.function(l.function).start_line;
            }
            continue;
        }
        for (l, &n) in lines.iter().zip(ns) {
            out[n as usize] = p.function(l.function).start_line;
        }
    }
    out
}
