//! pprof's trimmed call graph, once: nodes with flat/cum and tags, edges
//! with weights and their residual/inline marks, and the trimming of
//! `newTrimmedGraph` (`internal/report/report.go`) with the rules of
//! `internal/graph/graph.go`.
//!
//! Why a module of its own: the call graph (DOT, SVG) needs everything a
//! text report skips: residual edges (edges that jump over trimmed
//! nodes), the `bytes` tags shown as nodelets, the entropy order that
//! picks the nodes worth drawing, and the removal of redundant residual
//! edges. Each trimming step rebuilds the graph from the samples with
//! the kept nodes, as pprof does, because a trimmed graph does not hold
//! enough to recompute residual edges and flat values.
//!
//! Steps ([`trimmed_graph`]):
//! 1. build with every node; `total = Σ flat`; cutoffs are
//!    `|total * nodefraction|` and `|total * edgefraction|`;
//! 2. keep nodes with `|cum| >= node cutoff` (rebuild when any is dropped);
//! 3. sort (entropy order for pictures, else flat or cum);
//! 4. with a node count: drop low tags and edges, keep the top nodes
//!    (pictures count up to four tags per node as nodes), rebuild, re-sort;
//! 5. drop low tags and edges (the count is reported), and for pictures
//!    remove residual edges whose target stays reachable another way.
//!
//! Node identity is the [`NodeTable`] index, so "kept" is a dense mask.
//! Every sort ends in a total order (names, then `fmt.Sprint` of the node
//! info), so output is deterministic where pprof's map order is not.

use crate::aggregate::{self, NodeInfo, NodeOptions, NodeTable, Stamps};
use crate::profile::{Label, Profile, StrIdx};
use crate::report;
use crate::units;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

/// At most this many tag boxes per node (pprof's `maxNodelets`).
pub const MAX_NODELETS: usize = 4;

/// What to build and how to trim it.
#[derive(Clone, Debug)]
pub struct GraphOptions {
    pub sample_index: usize,
    pub nodes: NodeOptions,
    /// Keep at most this many nodes; 0 = no limit.
    pub nodecount: usize,
    pub nodefraction: f64,
    pub edgefraction: f64,
    /// A picture (DOT/SVG): entropy order, tags count as nodes, redundant
    /// residual edges removed. Text reports use flat/cum order.
    pub visual: bool,
    /// Sort by cum (text reports only).
    pub cum_sort: bool,
    /// The `--unit` the tag names are printed in (pprof formats tags with
    /// the requested unit, before "minimum" is resolved).
    pub unit: String,
    /// Collect tags (label and `bytes` nodelets).
    pub tags: bool,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            sample_index: 0,
            nodes: NodeOptions::default(),
            nodecount: 80,
            nodefraction: 0.005,
            edgefraction: 0.001,
            visual: true,
            cum_sort: false,
            unit: "minimum".into(),
            tags: true,
        }
    }
}

impl GraphOptions {
    /// pprof's `-trim=false`.
    pub fn no_trim(&mut self) {
        self.nodecount = 0;
        self.nodefraction = 0.0;
        self.edgefraction = 0.0;
    }
}

/// A sample annotation summed over the samples through a node: a string
/// label set (`key:value` lines) or one numeric `bytes` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The label as shown (for numbers, the value in the requested unit).
    pub name: String,
    /// The numeric unit; empty for string labels.
    pub unit: String,
    /// The numeric value of the first sample that gave this name.
    pub value: i64,
    pub flat: i64,
    pub cum: i64,
}

/// A node of the final graph.
#[derive(Clone, Debug)]
pub struct Node {
    /// Index into [`CallGraph::infos`] (the node table).
    pub info: u32,
    pub flat: i64,
    pub cum: i64,
    /// String-label tags (joined `key:value` lines).
    pub label_tags: Vec<Tag>,
    /// Numeric tags, grouped by the string-label set of their samples
    /// ("" for samples without string labels).
    pub numeric_tags: Vec<(String, Vec<Tag>)>,
    /// Edge indices into [`CallGraph::edges`].
    pub out_edges: Vec<u32>,
    pub in_edges: Vec<u32>,
}

/// An edge of the final graph; `src`/`dst` index [`CallGraph::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub src: u32,
    pub dst: u32,
    pub weight: i64,
    /// Jumps over one or more trimmed nodes.
    pub residual: bool,
    /// Every call it stands for was inlined.
    pub inline: bool,
}

/// The trimmed graph with what the report labels need.
#[derive(Clone, Debug, Default)]
pub struct CallGraph {
    pub infos: Vec<NodeInfo>,
    /// In pprof's order (entropy for pictures); DOT ids are position + 1.
    pub nodes: Vec<Node>,
    /// In pprof's edge order: |weight| desc, then source and target names.
    pub edges: Vec<Edge>,
    /// Nodes after the nodefraction cut, before the node count.
    pub orig_count: usize,
    pub dropped_nodes: usize,
    pub dropped_edges: usize,
}

impl CallGraph {
    pub fn info(&self, n: &Node) -> &NodeInfo {
        &self.infos[n.info as usize]
    }

    /// Σ flat of the nodes shown.
    pub fn shown_total(&self) -> i64 {
        self.nodes.iter().fold(0i64, |a, n| a.wrapping_add(n.flat))
    }
}

// ---------------------------------------------------------------------
// One build: pprof's newGraph over a kept mask.

#[derive(Clone, Copy, Debug, Default)]
struct TagAcc {
    flat: i64,
    cum: i64,
}

/// The interned tags of a profile: `(label set, name) -> id`.
#[derive(Default)]
struct TagTable {
    /// For each id: (label set index, name, unit, value); label set
    /// `NO_LABEL` marks a string-label tag (its name is the label set).
    tags: Vec<(u32, String, String, i64)>,
    label_sets: Vec<String>,
    /// Per distinct label list: its string-label tag id (or NONE) and
    /// the range of its numeric tag ids in `pool`.
    lists: Vec<(u32, u32, u32)>,
    pool: Vec<u32>,
    /// Per sample: its label list (index into `lists`).
    sample_list: Vec<u32>,
}

const NONE: u32 = u32::MAX;
const NO_LABEL: u32 = u32::MAX;

impl TagTable {
    /// The tags of every sample of `p`. `seen`, when `p` holds only part
    /// of a profile's samples (a lean decode: the samples with a value in
    /// the column, equal stacks with equal labels merged), is every
    /// distinct label list of the whole profile in the order of first
    /// appearance: tag ids, label-set order, units and each tag's value
    /// depend only on the first sample with each label list, so taking
    /// these lists first gives the full profile's table.
    fn new(p: &Profile, unit: &str, seen: Option<&[Box<[Label]>]>) -> TagTable {
        let mut t = TagTable {
            label_sets: vec![String::new()],
            ..TagTable::default()
        };
        let bytes_key: Option<StrIdx> = p
            .strings
            .iter()
            .position(|s| &**s == "bytes")
            .map(|i| StrIdx(i as u32));
        // The unit of `bytes` as pprof's NumLabelUnits gives it: the first
        // unit written for the key, else the key's own name.
        let mut all_lists = match seen {
            Some(lists) => {
                Box::new(lists.iter().flat_map(|l| l.iter())) as Box<dyn Iterator<Item = &Label>>
            }
            None => Box::new(p.samples.labels.iter()),
        };
        let bytes_unit = bytes_key
            .and_then(|k| {
                all_lists
                    .find(|l| l.str.0 == 0 && l.key == k && !p.str(l.num_unit).is_empty())
                    .map(|l| p.str(l.num_unit).to_string())
            })
            .unwrap_or_else(|| "bytes".to_string());
        let mut b = TagBuilder {
            p,
            unit,
            bytes_key,
            bytes_unit,
            set_ids: FxHashMap::default(),
            label_tag_ids: FxHashMap::default(),
            num_ids: FxHashMap::default(),
            name_cache: FxHashMap::default(),
            parts: Vec::new(),
            lists: FxHashMap::default(),
        };
        for list in seen.into_iter().flatten() {
            b.list(&mut t, list);
        }
        t.sample_list.reserve(p.samples.len());
        for s in p.samples.iter() {
            let list = b.list(&mut t, s.labels);
            t.sample_list.push(list);
        }
        t
    }
}

/// What [`TagTable::new`] keeps while it reads label lists.
struct TagBuilder<'a> {
    p: &'a Profile,
    unit: &'a str,
    bytes_key: Option<StrIdx>,
    bytes_unit: String,
    set_ids: FxHashMap<String, u32>,
    label_tag_ids: FxHashMap<u32, u32>,
    num_ids: FxHashMap<(u32, String), u32>,
    name_cache: FxHashMap<i64, String>,
    parts: Vec<String>,
    /// Each label list read: its index in `TagTable::lists`.
    lists: FxHashMap<&'a [Label], u32>,
}

impl<'a> TagBuilder<'a> {
    /// The tags of a sample with these labels, interning new ones in the
    /// order a walk over the samples meets them.
    fn list(&mut self, t: &mut TagTable, labels: &'a [Label]) -> u32 {
        if let Some(&x) = self.lists.get(labels) {
            return x;
        }
        let p = self.p;
        self.parts.clear();
        for l in labels {
            if l.str.0 != 0 {
                let k = p.str(l.key);
                if k == "pprof::base" {
                    continue;
                }
                self.parts.push(format!("{k}:{}", p.str(l.str)));
            }
        }
        let set = if self.parts.is_empty() {
            String::new()
        } else {
            self.parts.sort();
            self.parts.join("\\n")
        };
        let set_id = if set.is_empty() {
            0
        } else {
            let next = t.label_sets.len() as u32;
            let id = *self.set_ids.entry(set.clone()).or_insert(next);
            if id == next {
                t.label_sets.push(set.clone());
            }
            id
        };
        let label_tag = if set_id == 0 {
            NONE
        } else {
            let next = t.tags.len() as u32;
            let id = *self.label_tag_ids.entry(set_id).or_insert(next);
            if id == next {
                t.tags.push((NO_LABEL, set.clone(), String::new(), 0));
            }
            id
        };
        let a = t.pool.len() as u32;
        if let Some(bk) = self.bytes_key {
            for l in labels {
                if l.str.0 != 0 || l.key != bk {
                    continue;
                }
                let name = self
                    .name_cache
                    .entry(l.num)
                    .or_insert_with(|| units::scaled_label(l.num, &self.bytes_unit, self.unit))
                    .clone();
                let next = t.tags.len() as u32;
                let id = *self.num_ids.entry((set_id, name.clone())).or_insert(next);
                if id == next {
                    t.tags.push((set_id, name, self.bytes_unit.clone(), l.num));
                }
                t.pool.push(id);
            }
        }
        let x = t.lists.len() as u32;
        t.lists.push((label_tag, a, t.pool.len() as u32));
        self.lists.insert(labels, x);
        x
    }
}

/// One graph over the kept nodes; per-node values are dense over the table.
struct Built {
    flat: Vec<i64>,
    cum: Vec<i64>,
    /// Nodes with a value, in table order.
    present: Vec<u32>,
    edges: Vec<WEdge>,
}

/// Whether a location has kept nodes (see [`build`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LocKept {
    /// No node at all.
    Empty,
    /// Nodes, none of them kept.
    None,
    Some,
}

#[derive(Clone, Copy, Debug)]
struct WEdge {
    src: u32,
    dst: u32,
    weight: i64,
    residual: bool,
    inline: bool,
    alive: bool,
}

/// One build over every sample, on every core for a big profile
/// ([`aggregate::in_parallel`]): the parts are added up in sample order,
/// so each edge keeps the place of its first occurrence, as in one walk.
fn build(p: &Profile, t: &NodeTable, idx: usize, kept: Option<&[bool]>) -> Built {
    // Per location, with a kept mask: whether it has a kept node (else
    // its frames only make the next edge residual, and the walk skips
    // it without looking at its nodes).
    let loc_kept: Option<Vec<LocKept>> = kept.map(|k| {
        let nlocs = t.loc_start.len().saturating_sub(1);
        (0..nlocs)
            .map(|l| {
                let nodes = t.nodes_of(l);
                if nodes.is_empty() {
                    LocKept::Empty
                } else if nodes.iter().any(|&n| k[n as usize]) {
                    LocKept::Some
                } else {
                    LocKept::None
                }
            })
            .collect()
    });
    let loc_kept = loc_kept.as_deref();
    let parts = aggregate::in_parallel(p, |r| build_range(p, t, idx, kept, loc_kept, r));
    let mut it = parts.into_iter();
    let mut acc = it.next().expect("at least one part");
    for part in it {
        for (a, b) in acc.flat.iter_mut().zip(part.flat) {
            *a = a.wrapping_add(b);
        }
        for (a, b) in acc.cum.iter_mut().zip(part.cum) {
            *a = a.wrapping_add(b);
        }
        let mut ix: FxHashMap<(u32, u32), u32> = acc
            .edges
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.src, e.dst), i as u32))
            .collect();
        for e in part.edges {
            match ix.get(&(e.src, e.dst)) {
                Some(&i) => {
                    let a = &mut acc.edges[i as usize];
                    a.weight = a.weight.wrapping_add(e.weight);
                    a.residual |= e.residual;
                    a.inline &= e.inline;
                }
                None => {
                    ix.insert((e.src, e.dst), acc.edges.len() as u32);
                    acc.edges.push(e);
                }
            }
        }
    }
    let (flat, cum) = (&acc.flat, &acc.cum);
    acc.present = (0..t.len() as u32)
        .filter(|&i| flat[i as usize] != 0 || cum[i as usize] != 0)
        .collect();
    acc
}

/// [`build`] over the samples of `range`.
fn build_range(
    p: &Profile,
    t: &NodeTable,
    idx: usize,
    kept: Option<&[bool]>,
    loc_kept: Option<&[LocKept]>,
    range: std::ops::Range<usize>,
) -> Built {
    let n = t.len();
    let mut flat = vec![0i64; n];
    let mut cum = vec![0i64; n];
    // Each edge's sums in its map entry (one cache miss per frame, not
    // two), with the place of its first occurrence.
    let mut edge_map: FxHashMap<(u32, u32), (u32, WEdge)> = FxHashMap::default();
    let mut seen = Stamps::new(n);
    let mut seen_edges: Vec<(u32, u32)> = Vec::new();
    for (_, locs, w) in p.samples.weighted(idx, range) {
        seen.next_sample();
        seen_edges.clear();
        let mut parent: Option<u32> = None;
        let mut residual = false;
        for &loc in locs.iter().rev() {
            match loc_kept.map(|l| l[loc.0 as usize]) {
                Some(LocKept::None) => {
                    residual = true;
                    continue;
                }
                Some(LocKept::Empty) => continue,
                _ => {}
            }
            for (node, inline) in t.nodes_root_first(loc.0 as usize) {
                if kept.is_some_and(|k| !k[node as usize]) {
                    residual = true;
                    continue;
                }
                let nu = node as usize;
                let first_visit = seen.visit(nu);
                if first_visit {
                    cum[nu] = cum[nu].wrapping_add(w);
                }
                if let Some(par) = parent {
                    // An edge into a node first seen now cannot have been
                    // counted in this sample; only recursion searches.
                    if par != node && (first_visit || !seen_edges.contains(&(node, par))) {
                        seen_edges.push((node, par));
                        let next = edge_map.len() as u32;
                        match edge_map.entry((par, node)) {
                            std::collections::hash_map::Entry::Vacant(v) => {
                                v.insert((
                                    next,
                                    WEdge {
                                        src: par,
                                        dst: node,
                                        weight: w,
                                        residual,
                                        inline,
                                        alive: true,
                                    },
                                ));
                            }
                            std::collections::hash_map::Entry::Occupied(mut o) => {
                                let e = &mut o.get_mut().1;
                                e.weight = e.weight.wrapping_add(w);
                                e.residual |= residual;
                                e.inline &= inline;
                            }
                        }
                    }
                }
                parent = Some(node);
                residual = false;
            }
        }
        if let Some(par) = parent {
            if !residual {
                flat[par as usize] = flat[par as usize].wrapping_add(w);
            }
        }
    }
    let mut edges: Vec<(u32, WEdge)> = edge_map.into_values().collect();
    edges.sort_unstable_by_key(|e| e.0);
    Built {
        flat,
        cum,
        present: Vec::new(),
        edges: edges.into_iter().map(|e| e.1).collect(),
    }
}

/// Above this many (node, tag) pairs, tags are summed in a hash map
/// instead of a dense array.
const DENSE_TAGS: usize = 1 << 20;

/// Per node: (tag id, acc), by tag id.
type NodeTags = FxHashMap<u32, Vec<(u32, TagAcc)>>;

/// Which nodes tags are summed for, and the tags of each sample.
#[derive(Clone, Copy)]
struct TagWant<'a> {
    tt: &'a TagTable,
    /// Per node: its row, or NONE.
    slot: &'a [u32],
    /// The node of each row.
    nodes: &'a [u32],
    dense: bool,
}

impl<'a> TagWant<'a> {
    fn new(tt: &'a TagTable, slot: &'a mut Vec<u32>, n: usize, nodes: &'a [u32]) -> TagWant<'a> {
        slot.clear();
        slot.resize(n, NONE);
        for (i, &node) in nodes.iter().enumerate() {
            slot[node as usize] = i as u32;
        }
        TagWant {
            tt,
            slot,
            nodes,
            dense: nodes.len().saturating_mul(tt.tags.len()) <= DENSE_TAGS,
        }
    }

    /// The string-label tag (or NONE) and numeric tags of sample `si`.
    #[inline]
    fn of_sample(&self, si: usize) -> (u32, &'a [u32]) {
        let tt = self.tt;
        let (label_tag, a, e) = tt.lists[tt.sample_list[si] as usize];
        (label_tag, &tt.pool[a as usize..e as usize])
    }
}

/// Tag sums of the wanted nodes: dense rows (flat, cum, touched), or a
/// map by (row, tag).
#[derive(Default)]
struct TagSums {
    dense: Vec<(TagAcc, bool)>,
    map: FxHashMap<(u32, u32), TagAcc>,
}

impl TagSums {
    fn new(want: &TagWant<'_>) -> TagSums {
        TagSums {
            dense: if want.dense {
                vec![(TagAcc::default(), false); want.nodes.len() * want.tt.tags.len()]
            } else {
                Vec::new()
            },
            map: FxHashMap::default(),
        }
    }

    /// Adds `w` to the flat or cum of every tag of a sample at row `row`.
    #[inline]
    fn bump(&mut self, want: &TagWant<'_>, row: u32, tags: (u32, &[u32]), w: i64, is_flat: bool) {
        let ntags = want.tt.tags.len();
        let mut one = |id: u32| {
            let e = if want.dense {
                let x = &mut self.dense[row as usize * ntags + id as usize];
                x.1 = true;
                &mut x.0
            } else {
                self.map.entry((row, id)).or_default()
            };
            if is_flat {
                e.flat = e.flat.wrapping_add(w);
            } else {
                e.cum = e.cum.wrapping_add(w);
            }
        };
        if tags.0 != NONE {
            one(tags.0);
        }
        for &id in tags.1 {
            one(id);
        }
    }

    fn add(&mut self, other: TagSums) {
        for (x, y) in self.dense.iter_mut().zip(other.dense) {
            x.0.flat = x.0.flat.wrapping_add(y.0.flat);
            x.0.cum = x.0.cum.wrapping_add(y.0.cum);
            x.1 |= y.1;
        }
        for (k, v) in other.map {
            let e = self.map.entry(k).or_default();
            e.flat = e.flat.wrapping_add(v.flat);
            e.cum = e.cum.wrapping_add(v.cum);
        }
    }

    fn into_node_tags(self, want: &TagWant<'_>) -> NodeTags {
        let ntags = want.tt.tags.len();
        let mut out = NodeTags::default();
        if want.dense {
            for (i, &node) in want.nodes.iter().enumerate() {
                let v: Vec<(u32, TagAcc)> = self.dense[i * ntags..(i + 1) * ntags]
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.1)
                    .map(|(id, x)| (id as u32, x.0))
                    .collect();
                if !v.is_empty() {
                    out.insert(node, v);
                }
            }
        } else {
            for ((row, id), a) in self.map {
                out.entry(want.nodes[row as usize])
                    .or_default()
                    .push((id, a));
            }
            for v in out.values_mut() {
                v.sort_by_key(|x| x.0);
            }
        }
        out
    }
}

/// The tags of the nodes `want` asks for (kept nodes all), as a
/// [`build`] over the kept nodes adds them up: every tag of a sample gets
/// its weight in the cum of each wanted node of its stack (once per
/// sample), and in the flat of its leaf node. That leaf is the innermost
/// frame of the first location (a build's walk ends there: when that node
/// is trimmed, the sample's flat is residual and goes nowhere).
///
/// Only the nodes a report reads are asked for (the first `nodecount`
/// after the sort, then the nodes drawn): the sums stay small, and a
/// stack is walked by location, looking at the nodes of the few
/// locations that hold a wanted node only.
fn tag_pass(p: &Profile, t: &NodeTable, idx: usize, want: &TagWant<'_>) -> NodeTags {
    if want.nodes.is_empty() || want.tt.tags.is_empty() {
        return NodeTags::default();
    }
    let nlocs = t.loc_start.len().saturating_sub(1);
    let loc_wanted: Vec<bool> = (0..nlocs)
        .map(|l| t.nodes_of(l).iter().any(|&n| want.slot[n as usize] != NONE))
        .collect();
    let n = t.len();
    let parts = aggregate::in_parallel(p, |range| {
        let mut sums = TagSums::new(want);
        let mut seen = Stamps::new(n);
        for (si, locs, w) in p.samples.weighted(idx, range) {
            let tags = want.of_sample(si);
            if tags.0 == NONE && tags.1.is_empty() {
                continue;
            }
            seen.next_sample();
            for &loc in locs {
                if !loc_wanted[loc.0 as usize] {
                    continue;
                }
                for &node in t.nodes_of(loc.0 as usize) {
                    let row = want.slot[node as usize];
                    if row != NONE && seen.visit(node as usize) {
                        sums.bump(want, row, tags, w, false);
                    }
                }
            }
            let leaf = locs.iter().find_map(|l| t.nodes_of(l.0 as usize).first());
            if let Some(&leaf) = leaf {
                let row = want.slot[leaf as usize];
                if row != NONE {
                    sums.bump(want, row, tags, w, true);
                }
            }
        }
        sums
    });
    let mut it = parts.into_iter();
    let mut sums = it.next().unwrap_or_default();
    for part in it {
        sums.add(part);
    }
    sums.into_node_tags(want)
}

// ---------------------------------------------------------------------
// The working graph: nodes in order, edges with per-node in/out lists.

struct Work<'a> {
    t: &'a NodeTable,
    names: &'a [String],
    b: Built,
    /// Current node order (table indices).
    order: Vec<u32>,
    ins: FxHashMap<u32, Vec<u32>>,
    outs: FxHashMap<u32, Vec<u32>>,
    /// Per node: tags kept, as (tag id, acc), after trimming (set by
    /// [`tag_pass`]).
    node_tags: NodeTags,
}

impl<'a> Work<'a> {
    fn new(t: &'a NodeTable, names: &'a [String], b: Built) -> Work<'a> {
        let mut ins: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mut outs: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (i, e) in b.edges.iter().enumerate() {
            ins.entry(e.dst).or_default().push(i as u32);
            outs.entry(e.src).or_default().push(i as u32);
        }
        let order = b.present.clone();
        Work {
            t,
            names,
            b,
            order,
            ins,
            outs,
            node_tags: NodeTags::default(),
        }
    }

    fn live_in(&self, n: u32) -> impl Iterator<Item = &WEdge> {
        self.ins
            .get(&n)
            .into_iter()
            .flatten()
            .map(|&e| &self.b.edges[e as usize])
            .filter(|e| e.alive)
    }

    fn live_out(&self, n: u32) -> impl Iterator<Item = &WEdge> {
        self.outs
            .get(&n)
            .into_iter()
            .flatten()
            .map(|&e| &self.b.edges[e as usize])
            .filter(|e| e.alive)
    }

    /// pprof's `comparePrintableName`: (equal, less).
    fn name_cmp(&self, a: u32, b: u32) -> Ordering {
        let (ia, ib) = (&self.t.infos[a as usize], &self.t.infos[b as usize]);
        if a == b || ia == ib {
            return Ordering::Equal;
        }
        if ia.address != 0 && ib.address != 0 && ia.address != ib.address {
            return ia.address.cmp(&ib.address);
        }
        self.names[a as usize].cmp(&self.names[b as usize])
    }

    fn sprint_cmp(&self, a: u32, b: u32) -> Ordering {
        self.t.infos[a as usize]
            .sprint()
            .cmp(&self.t.infos[b as usize].sprint())
    }

    fn sort(&mut self, visual: bool, cum_sort: bool) {
        let flat = &self.b.flat;
        let cum = &self.b.cum;
        let score: FxHashMap<u32, i64> = if visual {
            self.order
                .iter()
                .map(|&n| (n, self.entropy_score(n)))
                .collect()
        } else {
            FxHashMap::default()
        };
        let mut order = std::mem::take(&mut self.order);
        order.sort_by(|&a, &b| {
            let (au, bu) = (a as usize, b as usize);
            if visual || cum_sort {
                let (sa, sb) = if visual {
                    (score[&a], score[&b])
                } else {
                    (cum[au], cum[bu])
                };
                sb.wrapping_abs()
                    .cmp(&sa.wrapping_abs())
                    .then_with(|| self.name_cmp(a, b))
                    .then_with(|| flat[bu].wrapping_abs().cmp(&flat[au].wrapping_abs()))
                    .then_with(|| self.sprint_cmp(a, b))
            } else {
                flat[bu]
                    .wrapping_abs()
                    .cmp(&flat[au].wrapping_abs())
                    .then_with(|| self.name_cmp(a, b))
                    .then_with(|| cum[bu].wrapping_abs().cmp(&cum[au].wrapping_abs()))
                    .then_with(|| self.sprint_cmp(a, b))
            }
        });
        self.order = order;
    }

    /// pprof's `entropyScore`: favours entry and leaf nodes and nodes
    /// whose edges spread their weight, over plain fall-through nodes.
    fn entropy_score(&self, n: u32) -> i64 {
        let flat = self.b.flat[n as usize];
        let cum = self.b.cum[n as usize];
        let mut score = 0f64;
        let ins: Vec<i64> = self.live_in(n).map(|e| e.weight).collect();
        let outs: Vec<i64> = self.live_out(n).map(|e| e.weight).collect();
        if ins.is_empty() {
            score += 1.0;
        } else {
            score += edge_entropy(&ins, 0);
        }
        if outs.is_empty() {
            score += 1.0;
        } else {
            score += edge_entropy(&outs, flat);
        }
        go_f64_to_i64(score * cum as f64).wrapping_add(flat)
    }

    /// Tags whose |flat| and |cum| are both below `cutoff` go.
    fn trim_tags(&mut self, cutoff: i64) {
        for v in self.node_tags.values_mut() {
            v.retain(|(_, a)| a.flat.wrapping_abs() >= cutoff || a.cum.wrapping_abs() >= cutoff);
        }
    }

    /// Removes edges below `cutoff` into the nodes of the graph; returns
    /// how many.
    fn trim_edges(&mut self, cutoff: i64) -> usize {
        let mut dropped = 0;
        for &n in &self.order {
            if let Some(list) = self.ins.get(&n) {
                for &e in list {
                    let e = &mut self.b.edges[e as usize];
                    if e.alive && e.weight.wrapping_abs() < cutoff {
                        e.alive = false;
                        dropped += 1;
                    }
                }
            }
        }
        dropped
    }

    /// pprof's `countTags`: tags with a flat value.
    fn count_tags(&self, n: u32) -> usize {
        self.node_tags
            .get(&n)
            .map_or(0, |v| v.iter().filter(|(_, a)| a.flat != 0).count())
    }

    fn select_top(&self, mut max: usize, visual: bool) -> usize {
        if max > 0 && visual {
            let mut count = 0;
            for (i, &n) in self.order.iter().enumerate() {
                count += self.count_tags(n).min(MAX_NODELETS) + 1;
                if count >= max {
                    max = i + 1;
                    break;
                }
            }
        }
        max.min(self.order.len())
    }

    /// pprof's edge order: |weight| desc, then source and target names.
    fn edge_cmp(&self, a: &WEdge, b: &WEdge) -> Ordering {
        let ord = if a.weight != b.weight {
            b.weight.wrapping_abs().cmp(&a.weight.wrapping_abs())
        } else {
            Ordering::Equal
        };
        ord.then_with(|| self.names[a.src as usize].cmp(&self.names[b.src as usize]))
            .then_with(|| self.names[a.dst as usize].cmp(&self.names[b.dst as usize]))
            .then_with(|| self.sprint_cmp(a.src, b.src))
            .then_with(|| self.sprint_cmp(a.dst, b.dst))
    }

    fn sorted_in(&self, n: u32) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .ins
            .get(&n)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&e| self.b.edges[e as usize].alive)
            .collect();
        v.sort_by(|&a, &b| self.edge_cmp(&self.b.edges[a as usize], &self.b.edges[b as usize]));
        v
    }

    /// pprof's `RemoveRedundantEdges`: from the last node up, and from the
    /// lightest incoming edge up to the first non-residual one, drop
    /// residual edges whose target the source still reaches another way.
    fn remove_redundant_edges(&mut self) {
        for i in (0..self.order.len()).rev() {
            let n = self.order[i];
            let ins = self.sorted_in(n);
            for &e in ins.iter().rev() {
                if !self.b.edges[e as usize].residual {
                    break;
                }
                if self.is_redundant(e) {
                    self.b.edges[e as usize].alive = false;
                }
            }
        }
    }

    fn is_redundant(&self, e: u32) -> bool {
        let WEdge { src, dst, .. } = self.b.edges[e as usize];
        let mut seen: FxHashMap<u32, ()> = FxHashMap::default();
        seen.insert(dst, ());
        let mut queue = std::collections::VecDeque::from([dst]);
        while let Some(n) = queue.pop_front() {
            for &ie in self.ins.get(&n).into_iter().flatten() {
                let edge = &self.b.edges[ie as usize];
                if !edge.alive || ie == e || seen.contains_key(&edge.src) {
                    continue;
                }
                if edge.src == src {
                    return true;
                }
                seen.insert(edge.src, ());
                queue.push_back(edge.src);
            }
        }
        false
    }
}

fn edge_entropy(weights: &[i64], self_w: i64) -> f64 {
    let mut score = 0f64;
    let mut total = self_w;
    for &w in weights {
        if w > 0 {
            total = total.wrapping_add(w.wrapping_abs());
        }
    }
    if total != 0 {
        for &w in weights {
            let frac = w.wrapping_abs() as f64 / total as f64;
            score += -frac * frac.log2();
        }
        if self_w > 0 {
            let frac = self_w.wrapping_abs() as f64 / total as f64;
            score += -frac * frac.log2();
        }
    }
    score
}

/// Go's float64 -> int64 conversion on amd64: NaN and out-of-range values
/// become the minimum int64 (Rust's `as` saturates instead).
fn go_f64_to_i64(x: f64) -> i64 {
    // 2^63 as f64 is exact.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if x.is_nan() || !(-LIMIT..LIMIT).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// The printable name of every node of a table (what sorts compare).
pub fn printable_names(t: &NodeTable) -> Vec<String> {
    t.infos.iter().map(|i| i.printable_name()).collect()
}

/// Builds the graph of `p` trimmed as pprof's `newTrimmedGraph` does.
pub fn trimmed_graph(p: &Profile, o: &GraphOptions) -> CallGraph {
    let t = aggregate::node_table(p, o.nodes);
    trimmed_graph_with_table(p, t, o)
}

/// [`trimmed_graph`] over an already built node table.
pub fn trimmed_graph_with_table(p: &Profile, t: NodeTable, o: &GraphOptions) -> CallGraph {
    trimmed_graph_with_first_pass(p, &t, o, None)
}

/// [`trimmed_graph_with_table`], given the flat and cum of every node of
/// `t` at `o.sample_index` as [`aggregate::flat_cum`] computes them, when
/// the caller has them already (the page's one walk for every type).
pub fn trimmed_graph_with_first_pass(
    p: &Profile,
    t: &NodeTable,
    o: &GraphOptions,
    first: Option<(&[i64], &[i64])>,
) -> CallGraph {
    trimmed_graph_seen(p, t, o, first, None)
}

/// [`trimmed_graph_with_first_pass`] of a lean profile: `seen` is every
/// distinct label list of the full profile in order of first appearance
/// (`LeanProfile::label_lists`): the tag ids, label-set order, units and
/// tag values depend only on the first sample with each label list, so
/// the tag table reads these lists before the profile's own samples and
/// is the full profile's table.
pub fn trimmed_graph_seen(
    p: &Profile,
    t: &NodeTable,
    o: &GraphOptions,
    first: Option<(&[i64], &[i64])>,
    seen: Option<&[Box<[Label]>]>,
) -> CallGraph {
    let idx = o.sample_index;
    let tags = if o.tags {
        Some(TagTable::new(p, &o.unit, seen))
    } else {
        None
    };
    let names = printable_names(t);
    let n = t.len();

    // The first pass only finds the total and the nodes to drop: when
    // nodes may be dropped, it is the lean parallel flat/cum pass (the
    // graph is rebuilt with edges and tags afterwards anyway).
    let (flat0, cum0, full) = if o.nodefraction == 0.0 {
        let b = build(p, t, idx, None);
        (Vec::new(), Vec::new(), Some(b))
    } else {
        let (f, c) = match first {
            Some((f, c)) => (f.to_vec(), c.to_vec()),
            None => aggregate::flat_cum(p, t, idx),
        };
        (f, c, None)
    };
    let (flat0, cum0) = match &full {
        Some(b) => (&b.flat, &b.cum),
        None => (&flat0, &cum0),
    };
    let present: Vec<u32> = (0..n as u32)
        .filter(|&i| flat0[i as usize] != 0 || cum0[i as usize] != 0)
        .collect();
    let total_value = present
        .iter()
        .fold(0i64, |a, &i| a.wrapping_add(flat0[i as usize]));
    let node_cutoff = ((total_value as f64 * o.nodefraction) as i64).wrapping_abs();
    let edge_cutoff = ((total_value as f64 * o.edgefraction) as i64).wrapping_abs();

    let mut dropped_nodes = 0;
    let mut kept: Option<Vec<bool>> = None;
    if node_cutoff > 0 {
        let mut k = vec![false; n];
        let mut count = 0;
        for &i in &present {
            if cum0[i as usize].wrapping_abs() >= node_cutoff {
                k[i as usize] = true;
                count += 1;
            }
        }
        if count != present.len() {
            dropped_nodes = present.len() - count;
            kept = Some(k);
        }
    }
    let b = match (full, &kept) {
        (Some(b), None) => b,
        (_, kept) => build(p, t, idx, kept.as_deref()),
    };
    let mut w = Work::new(t, &names, b);
    let orig_count = w.order.len();
    w.sort(o.visual, o.cum_sort);
    if let Some(tt) = &tags {
        // Tags are read for the first `nodecount` nodes at most (the
        // count below adds one per node at least), and for every node
        // when all of them stay.
        let upto = if o.nodecount > 0 {
            o.nodecount.min(w.order.len())
        } else {
            w.order.len()
        };
        let mut slot = Vec::new();
        let x = TagWant::new(tt, &mut slot, n, &w.order[..upto]);
        w.node_tags = tag_pass(p, t, idx, &x);
    }
    if o.nodecount > 0 {
        w.trim_tags(node_cutoff);
        w.trim_edges(edge_cutoff);
        let top = w.select_top(o.nodecount, o.visual);
        if top != w.order.len() {
            let mut kept = vec![false; n];
            for &i in &w.order[..top] {
                kept[i as usize] = true;
            }
            let b = build(p, t, idx, Some(&kept));
            // A kept node's tags do not depend on which other nodes are
            // kept (cum: the samples through it; flat: the samples whose
            // leaf it is), and the nodes kept are among those whose tags
            // were summed (and trimmed, as they would be again below).
            let node_tags = std::mem::take(&mut w.node_tags);
            w = Work::new(t, &names, b);
            w.sort(o.visual, o.cum_sort);
            w.node_tags = node_tags;
            w.node_tags.retain(|n, _| kept[*n as usize]);
        }
    }
    w.trim_tags(node_cutoff);
    let dropped_edges = w.trim_edges(edge_cutoff);
    if o.visual {
        w.remove_redundant_edges();
    }
    finish(w, tags.as_ref(), orig_count, dropped_nodes, dropped_edges)
}

fn finish(
    w: Work<'_>,
    tags: Option<&TagTable>,
    orig_count: usize,
    dropped_nodes: usize,
    dropped_edges: usize,
) -> CallGraph {
    let mut pos: FxHashMap<u32, u32> = FxHashMap::default();
    for (i, &n) in w.order.iter().enumerate() {
        pos.insert(n, i as u32);
    }
    // Live edges between nodes of the graph, in pprof's edge order.
    let mut live: Vec<&WEdge> =
        w.b.edges
            .iter()
            .filter(|e| e.alive && pos.contains_key(&e.src) && pos.contains_key(&e.dst))
            .collect();
    live.sort_by(|a, b| w.edge_cmp(a, b));
    let edges: Vec<Edge> = live
        .iter()
        .map(|e| Edge {
            src: pos[&e.src],
            dst: pos[&e.dst],
            weight: e.weight,
            residual: e.residual,
            inline: e.inline,
        })
        .collect();
    let mut nodes: Vec<Node> = w
        .order
        .iter()
        .map(|&n| {
            let mut label_tags = Vec::new();
            let mut numeric: Vec<(u32, Vec<Tag>)> = Vec::new();
            if let (Some(tt), Some(list)) = (tags, w.node_tags.get(&n)) {
                for &(id, acc) in list {
                    let (set, name, unit, value) = &tt.tags[id as usize];
                    let tag = Tag {
                        name: name.clone(),
                        unit: unit.clone(),
                        value: *value,
                        flat: acc.flat,
                        cum: acc.cum,
                    };
                    if *set == NO_LABEL {
                        label_tags.push(tag);
                    } else {
                        match numeric.iter_mut().find(|(s, _)| s == set) {
                            Some((_, v)) => v.push(tag),
                            None => numeric.push((*set, vec![tag])),
                        }
                    }
                }
            }
            numeric.sort_by_key(|x| x.0);
            Node {
                info: n,
                flat: w.b.flat[n as usize],
                cum: w.b.cum[n as usize],
                label_tags,
                numeric_tags: numeric
                    .into_iter()
                    .map(|(s, v)| {
                        (
                            tags.map_or(String::new(), |t| t.label_sets[s as usize].clone()),
                            v,
                        )
                    })
                    .collect(),
                out_edges: Vec::new(),
                in_edges: Vec::new(),
            }
        })
        .collect();
    for (i, e) in edges.iter().enumerate() {
        nodes[e.src as usize].out_edges.push(i as u32);
        nodes[e.dst as usize].in_edges.push(i as u32);
    }
    CallGraph {
        infos: w.t.infos.clone(),
        nodes,
        edges,
        orig_count,
        dropped_nodes,
        dropped_edges,
    }
}

/// pprof's `SortTags`: by |cum| (unless `flat`), then |flat|, then name.
pub fn sort_tags(ts: &mut [Tag], flat: bool) {
    ts.sort_by(|a, b| {
        let mut o = Ordering::Equal;
        if !flat && a.cum != b.cum {
            o = b.cum.wrapping_abs().cmp(&a.cum.wrapping_abs());
        }
        o.then_with(|| {
            if a.flat != b.flat {
                b.flat.wrapping_abs().cmp(&a.flat.wrapping_abs())
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.value.cmp(&b.value))
    });
}

/// The header lines of a graph report (pprof's `reportLabels` with full
/// headers): the profile labels, active filters, what is shown and
/// dropped, and the pointer to how to read the graph.
#[allow(clippy::too_many_arguments)]
pub fn report_labels(
    profile_labels: &[String],
    g: &CallGraph,
    total: i64,
    nodefraction: f64,
    edgefraction: f64,
    format_value: &dyn Fn(i64) -> String,
    full_headers: bool,
) -> Vec<String> {
    let mut out = profile_labels.to_vec();
    let shown = report::Trimmed {
        shown_total: g.shown_total(),
        dropped_nodes: g.dropped_nodes,
        dropped_edges: g.dropped_edges,
        shown_nodes: g.nodes.len(),
        orig_count: g.orig_count,
    };
    out.extend(shown.labels(total, (nodefraction, edgefraction), format_value));
    if full_headers {
        out.push("\nSee https://git.io/JfYMW for how to read the graph".to_string());
    }
    out
}

/// Everything a call-graph picture needs: the graph, its unit, total and
/// legend.
#[derive(Clone, Debug)]
pub struct GraphReport {
    pub graph: CallGraph,
    /// The graph's name: the base name of the main binary, or empty.
    pub title: String,
    pub labels: Vec<String>,
    pub total: i64,
    pub sample_unit: String,
    pub output_unit: String,
}

impl GraphReport {
    pub fn format_value(&self, v: i64) -> String {
        units::scaled_label(v, &self.sample_unit, &self.output_unit)
    }
}

/// Builds the call-graph report: pprof's `GetDOT`. `total` is the
/// percentage denominator (taken before filtering), `extra_labels` the
/// active-filter lines.
pub fn graph_report(
    p: &Profile,
    o: &GraphOptions,
    total: i64,
    extra_labels: &[String],
) -> GraphReport {
    graph_report_of(p, o, total, extra_labels, trimmed_graph(p, o))
}

/// [`graph_report`] for a graph already built with `o`.
pub fn graph_report_of(
    p: &Profile,
    o: &GraphOptions,
    total: i64,
    extra_labels: &[String],
    graph: CallGraph,
) -> GraphReport {
    let idx = o.sample_index;
    let sample_type = p.sample_type_name(idx).to_string();
    let sample_unit = p.sample_type_unit(idx).to_lowercase();
    let output_unit = report::select_output_unit(
        &sample_unit,
        &o.unit,
        total,
        graph.nodes.iter().map(|n| (n.flat, n.cum)),
    );
    let mut plabels = report::profile_labels(p, &sample_type, total, &sample_unit, &output_unit);
    plabels.extend(extra_labels.iter().cloned());
    let fv = |v: i64| units::scaled_label(v, &sample_unit, &output_unit);
    let labels = report_labels(
        &plabels,
        &graph,
        total,
        o.nodefraction,
        o.edgefraction,
        &fv,
        true,
    );
    let title = p
        .mappings
        .first()
        .map(|m| p.str(m.filename))
        .filter(|f| !f.is_empty())
        .map(|f| aggregate::go_base(f).to_string())
        .unwrap_or_default();
    GraphReport {
        graph,
        title,
        labels,
        total,
        sample_unit,
        output_unit,
    }
}
