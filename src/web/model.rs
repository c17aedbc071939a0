//! The page's data, computed on the Rust side so the page stays small: per
//! sample type asked for, the `top` rows (pprof's order, capped), a flame
//! tree pruned to the boxes that can be seen and, for some, the call
//! graph; the diff and trend tables and the differential flame tree.
//! [`views`] shares its walks over the samples between the views and
//! runs the call graph on a second thread. Serialized as compact JSON (names interned
//! once, the flame tree as a flat preorder array).
//!
//! The flame tree is built level by level: every sample keeps a cursor in
//! its stack and the trie node it has reached; at each depth the samples
//! still alive step one frame down. A node whose value is below the cut in
//! every column stops its samples (their value stays in the parent's
//! total), so the work is bounded by what is visible, not by the number of
//! distinct stacks.

use crate::aggregate::{self, NodeOptions, NodeTable};
use crate::profile::{Label, Profile};
use crate::report::diff::DiffReport;
use crate::report::trend::TrendReport;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// A flame box narrower than this fraction of the total is left out
/// (about one pixel on a 2400-pixel-wide graph, zoomed out).
pub const FLAME_CUT: f64 = 1.0 / 4000.0;
/// At most this many `top` rows per sample type.
pub const MAX_TOP: usize = 3000;
/// At most this many diff and trend rows.
pub const MAX_ROWS: usize = 1000;

/// Interned names: every name the page shows, once.
#[derive(Debug, Default)]
pub struct Names {
    map: FxHashMap<String, u32>,
    pub list: Vec<String>,
}

impl Names {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.map.insert(s.to_string(), i);
        self.list.push(s.to_string());
        i
    }
}

/// One sample type of a profile.
#[derive(Debug, Serialize)]
pub struct SampleType {
    pub name: String,
    pub unit: String,
}

/// What the page shows for one sample type.
#[derive(Debug, Serialize)]
pub struct View {
    /// Index into [`Page::types`].
    pub t: usize,
    /// pprof's total (Σ|v| before filtering): the percentage denominator.
    pub total: i64,
    /// Header lines (File, Type, Time, Active filters, ...).
    pub labels: Vec<String>,
    /// `[name, flat, cum]`, in `top`'s order (flat, then name).
    pub top: Vec<(u32, i64, i64)>,
    /// Rows left out by [`MAX_TOP`].
    pub top_more: usize,
    /// Preorder `[name, total, self, children]` per box.
    pub flame: Vec<i64>,
    /// Boxes whose |total| is below this were left out.
    pub flame_cut: i64,
    /// The Graph view: the call graph of this sample type.
    pub graph: GraphData,
}

/// The Graph view's data: the graph module's SVG (pprof's default
/// trimming: 80 nodes, nodefraction 0.005, edgefraction 0.001), drawn by
/// [`crate::render::graph_svg`] (which XML-escapes every name), and the
/// name of each node: the box with id `nodeN` is `names[nodes[N-1]]`.
#[derive(Debug, Serialize)]
pub struct GraphData {
    /// Empty when the graph could not be drawn (see `error`).
    pub svg: String,
    pub nodes: Vec<u32>,
    /// Why there is no picture (e.g. too large to lay out), or empty.
    pub error: String,
    /// Not computed for this page: a file holds the call graph of its
    /// default sample type only (each graph walks every sample twice and
    /// is laid out: seconds on a big profile); `heapscope web` draws the
    /// others on request (`/api/view?...`; `g=0` leaves the graph out).
    pub omitted: bool,
}

impl GraphData {
    /// The Graph view's data for a type whose graph was not computed.
    pub fn omitted() -> GraphData {
        GraphData {
            svg: String::new(),
            nodes: Vec::new(),
            error: String::new(),
            omitted: true,
        }
    }
}

/// Builds the Graph view's data for sample type `idx` of `p` (already
/// filtered), `total` being the percentage denominator.
pub fn graph_data(
    p: &Profile,
    nodes: NodeOptions,
    idx: usize,
    total: i64,
    extra_labels: &[String],
    names: &mut Names,
) -> GraphData {
    let (mut g, node_names) = graph_picture(p, None, nodes, idx, total, extra_labels, None, None);
    g.nodes = node_names.iter().map(|n| names.id(n)).collect();
    g
}

/// The Graph view's data with each node's printable name (interned by
/// the caller, so that this can run on a thread of its own).
/// `table` is `p`'s node table at `nodes` and `first` the flat and cum of
/// every node at `idx`, when known; `seen` the label lists of a lean
/// profile (see [`graph::trimmed_graph_seen`]).
#[allow(clippy::too_many_arguments)]
fn graph_picture(
    p: &Profile,
    table: Option<&NodeTable>,
    nodes: NodeOptions,
    idx: usize,
    total: i64,
    extra_labels: &[String],
    first: Option<(&[i64], &[i64])>,
    seen: Option<&[Box<[Label]>]>,
) -> (GraphData, Vec<String>) {
    use crate::graph::{self, GraphOptions};
    use crate::render::graph_svg;
    let o = GraphOptions {
        sample_index: idx,
        nodes,
        ..GraphOptions::default()
    };
    let g = match table {
        Some(t) => graph::trimmed_graph_seen(p, t, &o, first, seen),
        None => graph::trimmed_graph_seen(p, &aggregate::node_table(p, nodes), &o, first, seen),
    };
    let r = graph::graph_report_of(p, &o, total, extra_labels, g);
    let node_names = r
        .graph
        .nodes
        .iter()
        .map(|n| r.graph.info(n).printable_name())
        .collect();
    let g = match graph_svg::place(&r) {
        Ok(placed) => {
            let svg = graph_svg::svg_string(&placed);
            // The page parses the <svg> element alone.
            let svg = match svg.find("<svg") {
                Some(at) => svg[at..].to_string(),
                None => svg,
            };
            GraphData {
                svg,
                nodes: Vec::new(),
                error: String::new(),
                omitted: false,
            }
        }
        Err(e) => GraphData {
            svg: String::new(),
            nodes: Vec::new(),
            error: format!("the call graph cannot be drawn: {e}"),
            omitted: false,
        },
    };
    (g, node_names)
}

/// The diff view: `diff`'s rows and a differential flame tree.
#[derive(Debug, Serialize)]
pub struct DiffData {
    pub base: String,
    pub new: String,
    pub t: String,
    pub unit: String,
    pub base_total: i64,
    pub new_total: i64,
    /// Standard error of the total's delta (0: not sampled).
    pub sigma: f64,
    /// `[name, base, new, sigma, status]`, |delta| descending then name.
    pub rows: Vec<(u32, i64, i64, f64, &'static str)>,
    pub more: usize,
    /// Preorder `[name, base total, new total, children]`.
    pub flame: Vec<i64>,
}

/// The trend view: `trend`'s rows.
#[derive(Debug, Serialize)]
pub struct TrendData {
    pub names: Vec<String>,
    pub t: String,
    pub unit: String,
    pub times: Vec<i64>,
    pub totals: Vec<i64>,
    pub rows: Vec<TrendRowData>,
    pub more: usize,
}

/// One trend row. Fields come from [`crate::report::trend::TrendRow`];
/// add a field here and in [`trend_data`] to show more of it.
#[derive(Debug, Serialize)]
pub struct TrendRowData {
    pub n: u32,
    pub values: Vec<i64>,
    pub slope: f64,
    pub score: f64,
    pub kind: &'static str,
}

/// Everything the page needs.
#[derive(Debug, Serialize)]
pub struct Page {
    pub schema: u32,
    pub title: String,
    /// "file" (refinement in the page) or "server" (refinement asks the
    /// server).
    pub mode: &'static str,
    pub types: Vec<SampleType>,
    /// The sample type shown first.
    pub default_type: usize,
    pub names: Vec<String>,
    /// One view per sample type (all of them in a file).
    pub views: Vec<View>,
    /// Filters applied before the data was computed.
    pub filters: Vec<String>,
    pub diff: Option<DiffData>,
    pub trend: Option<TrendData>,
    /// Source view: the listings `list` makes for the functions with the
    /// largest cum, those whose source was found, per sample type (of
    /// the types in `source_types`).
    pub source: Vec<SourceRoutine>,
    /// The sample types the Source view was computed for.
    pub source_types: Vec<usize>,
}

/// One function's source lines with flat and cum, as `list` shows them.
#[derive(Debug, Serialize)]
pub struct SourceRoutine {
    /// The sample type (index into [`Page::types`]) of the values.
    pub t: usize,
    pub function: String,
    pub file: String,
    pub flat: i64,
    pub cum: i64,
    /// `[line number, flat, cum, text]`.
    pub lines: Vec<(i64, i64, i64, String)>,
}

/// A source of samples for the flame builder: a profile, its node table,
/// the global name of each node, and which value index feeds which column.
pub struct Source<'a> {
    pub p: &'a Profile,
    pub table: &'a NodeTable,
    pub node_name: &'a [u32],
    /// `(value index, column)` pairs.
    pub cols: Vec<(usize, usize)>,
}

/// A trie of stacks, pruned; columns of totals and self values per node.
#[derive(Debug, Default)]
pub struct Trie {
    pub ncols: usize,
    pub name: Vec<u32>,
    pub parent: Vec<u32>,
    pub total: Vec<i64>,
    pub self_: Vec<i64>,
    pub children: Vec<Vec<u32>>,
    pub cuts: Vec<i64>,
}

const ROOT: u32 = 0;

/// Builds the pruned trie: boxes below `cut_frac` of their column's
/// Σ|v| in every column are left out.
pub fn build_trie(sources: &[Source<'_>], ncols: usize, cut_frac: f64) -> Trie {
    let mut sums = vec![0i64; ncols];
    for s in sources {
        for smp in s.p.samples.iter() {
            for &(vi, c) in &s.cols {
                sums[c] = sums[c].wrapping_add(smp.values[vi].wrapping_abs());
            }
        }
    }
    let cuts: Vec<i64> = sums
        .iter()
        .map(|&t| ((t as f64 * cut_frac) as i64).max(1))
        .collect();
    let mut t = Trie {
        ncols,
        name: vec![u32::MAX],
        parent: vec![u32::MAX],
        total: vec![0; ncols],
        self_: vec![0; ncols],
        children: vec![Vec::new()],
        cuts,
    };
    // Per source, per sample: (trie node, location cursor from the root
    // end, frame cursor inside the location); alive samples only.
    // `pos` is one past the next location to read in the sample arrays
    // (they hold each stack leaf first, so the walk goes down to `lo`).
    struct Cursor {
        sample: u32,
        node: u32,
        lo: u32,
        pos: u32,
        frame: u32,
    }
    let mut alive: Vec<Vec<Cursor>> = Vec::with_capacity(sources.len());
    for s in sources {
        let mut v = Vec::new();
        let mut lo = 0u32;
        for (i, smp) in s.p.samples.iter().enumerate() {
            let pos = s.p.samples.loc_ends[i];
            let start = lo;
            lo = pos;
            if s.cols.iter().all(|&(vi, _)| smp.values[vi] == 0) {
                continue;
            }
            for &(vi, c) in &s.cols {
                t.total[c] = t.total[c].wrapping_add(smp.values[vi]);
            }
            v.push(Cursor {
                sample: i as u32,
                node: ROOT,
                lo: start,
                pos,
                frame: 0,
            });
        }
        alive.push(v);
    }
    // (parent, name) packed in one word.
    let mut level: FxHashMap<u64, u32> = FxHashMap::default();
    loop {
        level.clear();
        let first_new = t.name.len();
        let mut any = false;
        for (si, s) in sources.iter().enumerate() {
            let cur = &mut alive[si];
            let locs = &s.p.samples.locs;
            let stride = s.p.samples.stride;
            let values = &s.p.samples.values;
            for c in cur.iter_mut() {
                let vals = &values[c.sample as usize * stride..][..stride];
                // The next frame, root first: locations from the end,
                // frames inside one location from the end (outermost).
                let mut name = None;
                while c.pos > c.lo {
                    let loc = locs[c.pos as usize - 1];
                    let frames = s.table.nodes_of(loc.0 as usize);
                    if (c.frame as usize) < frames.len() {
                        let n = frames[frames.len() - 1 - c.frame as usize];
                        c.frame += 1;
                        name = Some(s.node_name[n as usize]);
                        break;
                    }
                    c.pos -= 1;
                    c.frame = 0;
                }
                let Some(name) = name else {
                    // The stack ends here: its value is the node's own.
                    let base = c.node as usize * ncols;
                    for &(vi, col) in &s.cols {
                        t.self_[base + col] = t.self_[base + col].wrapping_add(vals[vi]);
                    }
                    c.node = u32::MAX;
                    continue;
                };
                any = true;
                let key = (u64::from(c.node) << 32) | u64::from(name);
                let child = *level.entry(key).or_insert_with(|| {
                    let id = t.name.len() as u32;
                    t.name.push(name);
                    t.parent.push(c.node);
                    t.total.extend(std::iter::repeat_n(0, ncols));
                    t.self_.extend(std::iter::repeat_n(0, ncols));
                    t.children.push(Vec::new());
                    id
                });
                let base = child as usize * ncols;
                for &(vi, col) in &s.cols {
                    t.total[base + col] = t.total[base + col].wrapping_add(vals[vi]);
                }
                c.node = child;
            }
        }
        if !any {
            break;
        }
        // Prune the new level: a node too small in every column goes, and
        // so do its samples.
        let n_now = t.name.len();
        let mut keep = vec![false; n_now - first_new];
        for (k, kept) in keep.iter_mut().enumerate() {
            let base = (first_new + k) * ncols;
            *kept = (0..ncols).any(|c| t.total[base + c].wrapping_abs() >= t.cuts[c]);
        }
        // Renumber kept nodes densely.
        let mut remap = vec![u32::MAX; n_now - first_new];
        let mut next = first_new;
        for k in 0..keep.len() {
            if keep[k] {
                let from = first_new + k;
                if from != next {
                    t.name[next] = t.name[from];
                    t.parent[next] = t.parent[from];
                    for c in 0..ncols {
                        t.total[next * ncols + c] = t.total[from * ncols + c];
                        t.self_[next * ncols + c] = 0;
                    }
                }
                remap[k] = next as u32;
                next += 1;
            }
        }
        t.name.truncate(next);
        t.parent.truncate(next);
        t.total.truncate(next * ncols);
        t.self_.truncate(next * ncols);
        t.children.truncate(next);
        for c in first_new..next {
            t.children[c].clear();
            let p = t.parent[c] as usize;
            t.children[p].push(c as u32);
        }
        for cur in alive.iter_mut() {
            cur.retain_mut(|c| {
                if c.node == u32::MAX {
                    return false;
                }
                let r = remap[c.node as usize - first_new];
                c.node = r;
                r != u32::MAX
            });
        }
    }
    t
}

/// Serializes column `col` of the trie in preorder as
/// `[name, total, self, children]`, children by total descending then
/// name, leaving out boxes below the column's cut.
pub fn flame_preorder(t: &Trie, col: usize, names: &[String]) -> Vec<i64> {
    let mut out = Vec::new();
    let keep = |n: u32| {
        let v = t.total[n as usize * t.ncols + col];
        n == ROOT || v.wrapping_abs() >= t.cuts[col]
    };
    // Explicit stack: (node, children written?).
    let mut stack = vec![ROOT];
    while let Some(n) = stack.pop() {
        let mut kids: Vec<u32> = t.children[n as usize]
            .iter()
            .copied()
            .filter(|&k| keep(k))
            .collect();
        kids.sort_by(|&a, &b| {
            let (va, vb) = (
                t.total[a as usize * t.ncols + col],
                t.total[b as usize * t.ncols + col],
            );
            vb.cmp(&va).then_with(|| {
                names[t.name[a as usize] as usize].cmp(&names[t.name[b as usize] as usize])
            })
        });
        let name = if n == ROOT {
            -1
        } else {
            t.name[n as usize] as i64
        };
        out.extend([
            name,
            t.total[n as usize * t.ncols + col],
            t.self_[n as usize * t.ncols + col],
            kids.len() as i64,
        ]);
        // Push in reverse so the first child is written first.
        for &k in kids.iter().rev() {
            stack.push(k);
        }
    }
    out
}

/// Serializes a two-column trie (base, new) as `[name, base, new,
/// children]`, children by combined value descending then name.
pub fn diff_preorder(t: &Trie, names: &[String]) -> Vec<i64> {
    let mut out = Vec::new();
    let val = |n: u32| {
        let b = n as usize * 2;
        (t.total[b], t.total[b + 1])
    };
    let mut stack = vec![ROOT];
    while let Some(n) = stack.pop() {
        let mut kids: Vec<u32> = t.children[n as usize].clone();
        kids.sort_by(|&a, &b| {
            let (ba, na) = val(a);
            let (bb, nb) = val(b);
            (bb.wrapping_abs() + nb.wrapping_abs())
                .cmp(&(ba.wrapping_abs() + na.wrapping_abs()))
                .then_with(|| {
                    names[t.name[a as usize] as usize].cmp(&names[t.name[b as usize] as usize])
                })
        });
        let (b, nw) = val(n);
        let name = if n == ROOT {
            -1
        } else {
            t.name[n as usize] as i64
        };
        out.extend([name, b, nw, kids.len() as i64]);
        for &k in kids.iter().rev() {
            stack.push(k);
        }
    }
    out
}

/// The global name id of every node of a table.
pub fn node_names(t: &NodeTable, names: &mut Names) -> Vec<u32> {
    t.infos
        .iter()
        .map(|i| names.id(&i.printable_name()))
        .collect()
}

/// The `top` rows of one sample type from its flat and cum per node
/// (`printable[n]` is node `n`'s printable name, empty for nodes without
/// a value): every node with a value, in `top`'s order (flat, then name),
/// capped at [`MAX_TOP`].
pub fn top_rows(
    t: &NodeTable,
    node_name: &[u32],
    printable: &[String],
    flat: &[i64],
    cum: &[i64],
) -> (Vec<(u32, i64, i64)>, usize) {
    let n = t.len();
    let mut kept: Vec<usize> = (0..n).filter(|&i| flat[i] != 0 || cum[i] != 0).collect();
    kept.sort_by(|&a, &b| crate::report::compare_nodes(t, printable, flat, cum, false, a, b));
    let more = kept.len().saturating_sub(MAX_TOP);
    kept.truncate(MAX_TOP);
    (
        kept.iter()
            .map(|&i| (node_name[i], flat[i], cum[i]))
            .collect(),
        more,
    )
}

/// Flat and cum of every node for several sample types in one walk over
/// the samples (the rules of [`aggregate::flat_cum`]: cum once per node
/// per sample, flat to the leaf's innermost frame); one `(flat, cum)`
/// pair per entry of `types`.
pub fn flat_cum_columns(p: &Profile, t: &NodeTable, types: &[usize]) -> Vec<(Vec<i64>, Vec<i64>)> {
    if let [idx] = types {
        // One type: the lean pass of `top`, which skips zero samples.
        return vec![aggregate::flat_cum(p, t, *idx)];
    }
    let k = types.len();
    let n = t.len();
    let parts = aggregate::in_parallel(p, |range| {
        // Column-major within a node: node * k + column.
        let mut flat = vec![0i64; n * k];
        let mut cum = vec![0i64; n * k];
        let mut seen = vec![u32::MAX; n];
        let mut w = vec![0i64; k];
        let s = &p.samples;
        for (i, locs) in s.locs_in(range) {
            let vals = &s.values[i * s.stride..(i + 1) * s.stride];
            let mut any = false;
            for (c, &ix) in types.iter().enumerate() {
                w[c] = vals[ix];
                any |= w[c] != 0;
            }
            if !any {
                continue;
            }
            let stamp = i as u32;
            for &loc in locs {
                for &node in t.nodes_of(loc.0 as usize) {
                    let nu = node as usize;
                    if seen[nu] != stamp {
                        seen[nu] = stamp;
                        for (a, &x) in cum[nu * k..nu * k + k].iter_mut().zip(&w) {
                            *a = a.wrapping_add(x);
                        }
                    }
                }
            }
            if let Some(&leaf) = locs.first() {
                let nu = t.nodes_of(leaf.0 as usize)[0] as usize;
                for (a, &x) in flat[nu * k..nu * k + k].iter_mut().zip(&w) {
                    *a = a.wrapping_add(x);
                }
            }
        }
        (flat, cum)
    });
    let mut it = parts.into_iter();
    let (mut flat, mut cum) = it.next().unwrap_or_default();
    for (f, c) in it {
        for (a, b) in flat.iter_mut().zip(f) {
            *a = a.wrapping_add(b);
        }
        for (a, b) in cum.iter_mut().zip(c) {
            *a = a.wrapping_add(b);
        }
    }
    (0..k)
        .map(|c| {
            (
                (0..n).map(|i| flat[i * k + c]).collect(),
                (0..n).map(|i| cum[i * k + c]).collect(),
            )
        })
        .collect()
}

/// Every sample type of a profile, in order.
pub fn all_types(p: &Profile) -> Vec<usize> {
    (0..p.sample_types.len()).collect()
}

/// The views of sample types `types` of one (filtered) profile, with the
/// call graph drawn for the types in `graphs` (the others are marked
/// [`GraphData::omitted`]). `totals` are pprof's totals per type, taken
/// before filtering; `extra_labels` the header lines added to each view
/// (active filters).
///
/// The profile is walked once for the flat and cum of every type (the
/// top rows, and the call graphs' first pass), then, at the same time on
/// two threads: once level by level for the flame tree of every type,
/// and by the call graphs (two more walks each, and a layout).
///
/// For a lean profile (the samples with a value in the one type of
/// `types` and `graphs`), `seen` is every distinct label list of the full
/// profile, which its call graph's tags read (see
/// [`crate::graph::trimmed_graph_seen`]); `None` for a full profile.
#[allow(clippy::too_many_arguments)]
pub fn views(
    p: &Profile,
    nodes: NodeOptions,
    totals: &[i64],
    extra_labels: &[String],
    types: &[usize],
    graphs: &[usize],
    names: &mut Names,
    seen: Option<&[Box<[Label]>]>,
) -> Vec<View> {
    let table = aggregate::node_table(p, nodes);
    let node_name = node_names(&table, names);
    let mut walked: Vec<usize> = types.to_vec();
    for &g in graphs {
        if !walked.contains(&g) {
            walked.push(g);
        }
    }
    let mut cols = flat_cum_columns(p, &table, &walked);
    let draw = || -> Vec<(usize, (GraphData, Vec<String>))> {
        graphs
            .iter()
            .map(|&idx| {
                let c = &cols[walked.iter().position(|&w| w == idx).unwrap_or(0)];
                let first = Some((c.0.as_slice(), c.1.as_slice()));
                (
                    idx,
                    graph_picture(
                        p,
                        Some(&table),
                        nodes,
                        idx,
                        totals[idx],
                        extra_labels,
                        first,
                        seen,
                    ),
                )
            })
            .collect()
    };
    let flame = || {
        let src = Source {
            p,
            table: &table,
            node_name: &node_name,
            cols: types.iter().enumerate().map(|(c, &i)| (i, c)).collect(),
        };
        build_trie(std::slice::from_ref(&src), types.len(), FLAME_CUT)
    };
    let (pictures, trie) = if graphs.is_empty() {
        (Vec::new(), flame())
    } else {
        std::thread::scope(|s| {
            let h = s.spawn(draw);
            let trie = flame();
            (h.join().expect("the call-graph thread"), trie)
        })
    };
    cols.truncate(types.len());
    let mut pictures: Vec<(usize, GraphData)> = pictures
        .into_iter()
        .map(|(idx, (mut g, node_names))| {
            g.nodes = node_names.iter().map(|n| names.id(n)).collect();
            (idx, g)
        })
        .collect();
    // Printable names of the nodes with a value in some column, for the
    // top rows' name tie-break.
    let printable: Vec<String> = (0..table.len())
        .map(|i| {
            if cols.iter().any(|(f, c)| f[i] != 0 || c[i] != 0) {
                names.list[node_name[i] as usize].clone()
            } else {
                String::new()
            }
        })
        .collect();
    types
        .iter()
        .zip(cols)
        .enumerate()
        .map(|(col, (&idx, (flat, cum)))| {
            let (top, top_more) = top_rows(&table, &node_name, &printable, &flat, &cum);
            let sample_type = p.sample_type_name(idx).to_string();
            let unit = p.sample_type_unit(idx).to_lowercase();
            let mut labels =
                crate::report::profile_labels(p, &sample_type, totals[idx], &unit, "minimum");
            labels.extend(extra_labels.iter().cloned());
            let graph = match pictures.iter().position(|(i, _)| *i == idx) {
                Some(at) => pictures.swap_remove(at).1,
                None => GraphData::omitted(),
            };
            View {
                graph,
                t: idx,
                total: totals[idx],
                labels,
                top,
                top_more,
                flame: flame_preorder(&trie, col, &names.list),
                flame_cut: trie.cuts[col],
            }
        })
        .collect()
}

/// The sample types of a profile.
pub fn sample_types(p: &Profile) -> Vec<SampleType> {
    (0..p.sample_types.len())
        .map(|i| SampleType {
            name: p.sample_type_name(i).to_string(),
            unit: p.sample_type_unit(i).to_lowercase(),
        })
        .collect()
}

/// The diff view of `new` against `base` (both at their chosen sample
/// index): the rows of `diff` and a differential flame tree.
pub fn diff_data(
    r: &DiffReport,
    base: (&Profile, usize),
    new: (&Profile, usize),
    nodes: NodeOptions,
    names: &mut Names,
) -> DiffData {
    let bt = aggregate::node_table(base.0, nodes);
    let nt = aggregate::node_table(new.0, nodes);
    let bn = node_names(&bt, names);
    let nn = node_names(&nt, names);
    let sources = [
        Source {
            p: base.0,
            table: &bt,
            node_name: &bn,
            cols: vec![(base.1, 0)],
        },
        Source {
            p: new.0,
            table: &nt,
            node_name: &nn,
            cols: vec![(new.1, 1)],
        },
    ];
    let trie = build_trie(&sources, 2, FLAME_CUT);
    let rows = r
        .rows
        .iter()
        .take(MAX_ROWS)
        .map(|row| {
            (
                names.id(&row.name),
                row.base,
                row.new,
                row.sigma,
                row.status.as_str(),
            )
        })
        .collect();
    DiffData {
        base: r.base_name.clone(),
        new: r.new_name.clone(),
        t: r.sample_type.clone(),
        unit: r.sample_unit.clone(),
        base_total: r.base_total.value,
        new_total: r.new_total.value,
        sigma: r.delta_sigma(),
        rows,
        more: r.rows.len().saturating_sub(MAX_ROWS) + r.hidden,
        flame: diff_preorder(&trie, &names.list),
    }
}

/// The trend view of a trend report.
pub fn trend_data(r: &TrendReport, snapshot_names: Vec<String>, names: &mut Names) -> TrendData {
    TrendData {
        names: snapshot_names,
        t: r.sample_type.clone(),
        unit: r.sample_unit.clone(),
        times: r.times.clone(),
        totals: r.totals.clone(),
        rows: r
            .rows
            .iter()
            .take(MAX_ROWS)
            .map(|row| TrendRowData {
                n: names.id(&row.name),
                values: row.values.clone(),
                slope: row.slope,
                score: row.score,
                kind: row.kind.as_str(),
            })
            .collect(),
        more: r.rows.len().saturating_sub(MAX_ROWS) + r.hidden,
    }
}

/// JSON safe to embed in a `<script type="application/json">` element:
/// `<`, `>` and `&` are written as `\u` escapes (they can only occur
/// inside JSON strings), so no name can close the element.
pub fn to_embedded_json(page: &Page) -> String {
    let s = serde_json::to_string(page).expect("page data serializes");
    escape_json_for_html(&s)
}

/// See [`to_embedded_json`].
pub fn escape_json_for_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_cannot_close_the_script() {
        let s = escape_json_for_html(r#"{"a":"</script><img src=x onerror=alert(1)>&"}"#);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><img src=x onerror=alert(1)>&");
    }
}
