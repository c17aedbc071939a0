//! Flat and cum per node, pprof's `internal/graph` rules, in one pass over
//! the samples.
//!
//! A *node* is what a report row names: a function, a file, a source line
//! or an address, depending on the [`Granularity`]. Every (location, line)
//! of the profile maps to one node; that mapping is computed once per
//! location ([`NodeTable`]), so the pass over samples touches only dense
//! `u32` node indices: no strings, no allocation per frame.
//!
//! For each sample with value `w`, walking from the root to the leaf (and
//! inside a location from the outermost to the innermost inlined frame):
//! every distinct node on the stack gets `cum += w` once (recursion counts
//! once), every distinct caller->callee edge gets `weight += w` once, and
//! the innermost frame of the leaf location gets `flat += w`. Nodes outside
//! a `kept` set are skipped: edges then join the nearest kept frames, and a
//! sample whose leaf is not kept gives its flat to no one (pprof does the
//! same when it rebuilds a trimmed graph).

use crate::profile::{Function, Location, Mapping, Profile};
use rustc_hash::{FxHashMap, FxHashSet};

/// What one report row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Granularity {
    #[default]
    Functions,
    FileFunctions,
    Files,
    Lines,
    Addresses,
}

impl Granularity {
    pub fn parse(s: &str) -> Option<Granularity> {
        Some(match s {
            "functions" => Granularity::Functions,
            "filefunctions" => Granularity::FileFunctions,
            "files" => Granularity::Files,
            "lines" => Granularity::Lines,
            "addresses" => Granularity::Addresses,
            _ => return None,
        })
    }
}

/// How locations become nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeOptions {
    pub granularity: Granularity,
    /// Keep inlined frames as nodes of their own (pprof's default);
    /// `false` is `-noinlines`: only the outermost frame of each location.
    pub inlines: bool,
}

impl Default for NodeOptions {
    fn default() -> Self {
        NodeOptions {
            granularity: Granularity::Functions,
            inlines: true,
        }
    }
}

/// What identifies a node: pprof's `NodeInfo`, with the fields a
/// granularity does not keep set to empty/zero.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct NodeInfo {
    pub name: String,
    pub address: u64,
    pub file: String,
    pub start_line: i64,
    pub lineno: i64,
    pub column: i64,
    pub objfile: String,
}

impl NodeInfo {
    /// The row name pprof prints (`NodeInfo.PrintableName`).
    pub fn printable_name(&self) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(3);
        if self.address != 0 {
            parts.push(format!("{:016x}", self.address));
        }
        if !self.name.is_empty() {
            parts.push(self.name.clone());
        }
        if self.lineno != 0 {
            let mut s = format!("{}:{}", self.file, self.lineno);
            if self.column != 0 {
                s.push_str(&format!(":{}", self.column));
            }
            parts.push(s);
        } else if !self.file.is_empty() {
            parts.push(self.file.clone());
        } else if !self.name.is_empty() {
            // The function name is already there.
        } else if !self.objfile.is_empty() {
            parts.push(format!("[{}]", go_base(&self.objfile)));
        } else {
            parts.push("<unknown>".to_string());
        }
        parts.join(" ")
    }

    /// Go's `fmt.Sprint` of the struct, pprof's last sort tie-break.
    pub fn sprint(&self) -> String {
        format!(
            "{{{} {} {} {} {} {} {} {}}}",
            self.name,
            "",
            self.address,
            self.file,
            self.start_line,
            self.lineno,
            self.column,
            self.objfile
        )
    }
}

/// Go's `filepath.Base`.
pub fn go_base(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let p = path.trim_end_matches('/');
    if p.is_empty() {
        return "/";
    }
    match p.rfind('/') {
        Some(i) => &p[i + 1..],
        None => p,
    }
}

/// Go's `filepath.Clean` (lexical; Unix separators).
pub fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|&l| l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            p => out.push(p),
        }
    }
    let joined = out.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// pprof's default source-path trimming in reports: with no `-trim_path`,
/// only the `/proc/self/cwd/` prefixes that some build systems leave.
pub fn trim_path(path: &str) -> &str {
    for prefix in ["/proc/self/cwd/./", "/proc/self/cwd/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return rest;
        }
    }
    path
}

/// The nodes of a profile at one granularity, and for each location the
/// node of each of its frames.
#[derive(Debug, Default)]
pub struct NodeTable {
    pub infos: Vec<NodeInfo>,
    /// For location `i`: `loc_nodes[loc_start[i]..loc_start[i + 1]]`, in
    /// the order of the location's lines (innermost first).
    pub loc_nodes: Vec<u32>,
    pub loc_start: Vec<u32>,
}

impl NodeTable {
    #[inline]
    pub fn nodes_of(&self, loc: usize) -> &[u32] {
        &self.loc_nodes[self.loc_start[loc] as usize..self.loc_start[loc + 1] as usize]
    }

    /// The nodes of location `loc` caller first, each with whether it is
    /// an inlined frame (all but the location's outermost line).
    #[inline]
    pub fn nodes_root_first(&self, loc: usize) -> impl Iterator<Item = (u32, bool)> + '_ {
        let nodes = self.nodes_of(loc);
        let last = nodes.len().saturating_sub(1);
        nodes
            .iter()
            .enumerate()
            .rev()
            .map(move |(ni, &node)| (node, ni != last))
    }

    pub fn len(&self) -> usize {
        self.infos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }
}

/// Builds the node table: pprof's `Profile.Aggregate` (which clears what a
/// granularity does not keep) followed by `CreateNodes`.
pub fn node_table(p: &Profile, opts: NodeOptions) -> NodeTable {
    let g = opts.granularity;
    // pprof returns before aggregating at addresses granularity with
    // inlines, so nothing at all is cleared then (columns included).
    let keep_all = g == Granularity::Addresses && opts.inlines;
    let (function, filename, linenumber, address) = match g {
        Granularity::Addresses => (true, true, true, true),
        Granularity::Lines => (true, true, true, false),
        Granularity::Files => (false, true, false, false),
        Granularity::Functions => (true, false, false, false),
        Granularity::FileFunctions => (true, true, false, false),
    };
    let column = keep_all;
    let inlines = opts.inlines;

    // Per-function and per-mapping strings, computed once.
    let fn_name: Vec<&str> = p
        .functions
        .iter()
        .map(|f: &Function| {
            if function || keep_all {
                p.str(f.name)
            } else {
                ""
            }
        })
        .collect();
    let fn_file: Vec<String> = p
        .functions
        .iter()
        .map(|f| {
            let name = p.str(f.filename);
            if (filename || keep_all) && !name.is_empty() {
                go_clean(trim_path(name))
            } else {
                String::new()
            }
        })
        .collect();
    let map_file: Vec<&str> = p
        .mappings
        .iter()
        .map(|m: &Mapping| p.str(m.filename))
        .collect();

    // When neither the address nor the line is kept, a line's node depends
    // only on its function (and, for a nameless one, on the mapping): one
    // lookup per function instead of per line.
    let by_function = !(address || keep_all || linenumber || column);
    let mut fn_node: Vec<u32> = vec![u32::MAX; if by_function { p.functions.len() } else { 0 }];
    let mut table = NodeTable {
        infos: Vec::new(),
        loc_nodes: Vec::with_capacity(p.lines.len() + p.locations.len()),
        loc_start: Vec::with_capacity(p.locations.len() + 1),
    };
    // Each NodeInfo is held once, as a key here; `infos` is filled from
    // the keys at the end (holding both doubled the peak memory). Sized up
    // front: growing a map of such keys rehashes every one of them.
    //
    // By function, a named function's node is its name and file alone: it
    // is looked up by the borrowed strings in `named`, and its NodeInfo
    // goes straight to `infos`, in id order (moving some 100-byte keys
    // into a fresh table cost more than the rest of the pass); the few
    // other nodes are held twice.
    let mut index: FxHashMap<NodeInfo, u32> = FxHashMap::with_capacity_and_hasher(
        if by_function {
            0
        } else {
            p.lines.len().max(p.locations.len())
        },
        Default::default(),
    );
    let mut named: FxHashMap<(&str, &str), u32> = FxHashMap::with_capacity_and_hasher(
        if by_function { p.functions.len() } else { 0 },
        Default::default(),
    );
    let mut infos: Vec<NodeInfo> = Vec::new();
    let mut intern = |info: NodeInfo, infos: &mut Vec<NodeInfo>| -> u32 {
        if !by_function {
            let next = index.len() as u32;
            return *index.entry(info).or_insert(next);
        }
        if let Some(&n) = index.get(&info) {
            return n;
        }
        let n = infos.len() as u32;
        infos.push(info.clone());
        index.insert(info, n);
        n
    };
    for loc in &p.locations {
        let loc: &Location = loc;
        table.loc_start.push(table.loc_nodes.len() as u32);
        let objfile = loc.mapping.map(|m| map_file[m.0 as usize]).unwrap_or("");
        let addr = if address || keep_all { loc.address } else { 0 };
        let mut lines = p.lines_of(loc);
        if !inlines && lines.len() > 1 {
            lines = &lines[lines.len() - 1..];
        }
        if lines.is_empty() {
            let info = NodeInfo {
                address: addr,
                objfile: objfile.to_string(),
                ..Default::default()
            };
            let n = intern(info, &mut infos);
            table.loc_nodes.push(n);
            continue;
        }
        for line in lines {
            let fi = line.function.0 as usize;
            if by_function && !fn_name[fi].is_empty() {
                if fn_node[fi] == u32::MAX {
                    let key = (fn_name[fi], fn_file[fi].as_str());
                    fn_node[fi] = *named.entry(key).or_insert_with(|| {
                        infos.push(NodeInfo {
                            name: key.0.to_string(),
                            file: key.1.to_string(),
                            ..Default::default()
                        });
                        (infos.len() - 1) as u32
                    });
                }
                table.loc_nodes.push(fn_node[fi]);
                continue;
            }
            let f = &p.functions[fi];
            let mut info = NodeInfo {
                name: fn_name[fi].to_string(),
                address: addr,
                file: fn_file[fi].clone(),
                lineno: if linenumber || keep_all { line.line } else { 0 },
                column: if column { line.column } else { 0 },
                ..Default::default()
            };
            if info.name.is_empty() {
                info.objfile = objfile.to_string();
                info.start_line = f.start_line;
            }
            let n = intern(info, &mut infos);
            if by_function {
                fn_node[fi] = n;
            }
            table.loc_nodes.push(n);
        }
    }
    table.loc_start.push(table.loc_nodes.len() as u32);
    if by_function {
        table.infos = infos;
    } else {
        table.infos = vec![NodeInfo::default(); index.len()];
        for (info, i) in index {
            table.infos[i as usize] = info;
        }
    }
    table
}

/// An edge's accumulated weight and whether every contribution was an
/// inlined call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub weight: i64,
    pub inline: bool,
}

/// Flat, cum and edges of every node of a [`NodeTable`].
#[derive(Debug, Default)]
pub struct Graph {
    pub flat: Vec<i64>,
    pub cum: Vec<i64>,
    /// (caller, callee) -> edge. Only edges into nodes selected by
    /// `GraphRequest::edges_into` are recorded.
    pub edges: FxHashMap<(u32, u32), Edge>,
}

impl Graph {
    /// pprof drops nodes that no sample gave a value.
    #[inline]
    pub fn present(&self, n: usize) -> bool {
        self.flat[n] != 0 || self.cum[n] != 0
    }
}

/// What to compute in a pass.
pub struct GraphRequest<'a> {
    /// Nodes to keep; `None` keeps all.
    pub kept: Option<&'a [bool]>,
    /// Record edges whose callee is selected here; `None` records all
    /// edges, `Some(&[])`-like masks of all false record none.
    pub edges_into: Option<&'a [bool]>,
    pub with_edges: bool,
}

impl GraphRequest<'_> {
    /// Every node, and every edge when `with_edges`.
    pub const fn all(with_edges: bool) -> Self {
        GraphRequest {
            kept: None,
            edges_into: None,
            with_edges,
        }
    }
}

/// Per-sample "already counted" marks: one stamp per node, bumped for each
/// sample, so nothing is cleared between samples.
pub(crate) struct Stamps {
    seen: Vec<u32>,
    stamp: u32,
}

impl Stamps {
    pub(crate) fn new(n: usize) -> Stamps {
        Stamps {
            seen: vec![0; n],
            stamp: 0,
        }
    }

    /// Starts a new sample.
    pub(crate) fn next_sample(&mut self) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
    }

    /// Marks `node`; true if this is its first visit in the sample.
    #[inline]
    pub(crate) fn visit(&mut self, node: usize) -> bool {
        let first = self.seen[node] != self.stamp;
        self.seen[node] = self.stamp;
        first
    }
}

/// Which edges a sample has already counted (pprof counts each edge once
/// per sample). An edge into a node not yet on this stack cannot have been
/// counted, so the common, non-recursive case only appends to a list; a
/// hash set is built the first time a node repeats.
#[derive(Default)]
struct SampleEdges {
    list: Vec<(u32, u32)>,
    set: FxHashSet<(u32, u32)>,
    set_active: bool,
}

impl SampleEdges {
    fn next_sample(&mut self) {
        self.list.clear();
        self.set_active = false;
    }

    /// True if `key` is new in this sample; `first_visit` says whether its
    /// callee was seen for the first time in the sample.
    #[inline]
    fn is_new(&mut self, key: (u32, u32), first_visit: bool) -> bool {
        if first_visit {
            if self.set_active {
                self.set.insert(key);
            } else {
                self.list.push(key);
            }
            return true;
        }
        if !self.set_active {
            self.set.clear();
            self.set.extend(self.list.iter().copied());
            self.set_active = true;
        }
        self.set.insert(key)
    }
}

/// One pass over the samples. `value(sample_values)` gives each sample's
/// weight; samples with weight 0 are skipped.
pub fn build_graph(
    p: &Profile,
    t: &NodeTable,
    value: &dyn Fn(&[i64]) -> i64,
    req: &GraphRequest,
) -> Graph {
    let n = t.len();
    let mut g = Graph {
        flat: vec![0; n],
        cum: vec![0; n],
        edges: FxHashMap::default(),
    };
    let mut stamps = Stamps::new(n);
    let mut sample_edges = SampleEdges::default();
    let stride = p.samples.stride;
    let samples = &p.samples;
    let mut start = 0usize;
    for (i, &end) in samples.loc_ends.iter().enumerate() {
        let end = end as usize;
        let locs = &samples.locs[start..end];
        start = end;
        let w = value(&samples.values[i * stride..(i + 1) * stride]);
        if w == 0 {
            continue;
        }
        stamps.next_sample();
        sample_edges.next_sample();
        let mut parent: Option<u32> = None;
        let mut residual = false;
        for &loc in locs.iter().rev() {
            for (node, inline) in t.nodes_root_first(loc.0 as usize) {
                if let Some(k) = req.kept {
                    if !k[node as usize] {
                        residual = true;
                        continue;
                    }
                }
                let first_visit = stamps.visit(node as usize);
                if first_visit {
                    g.cum[node as usize] = g.cum[node as usize].wrapping_add(w);
                }
                if req.with_edges {
                    if let Some(par) = parent {
                        if par != node && req.edges_into.is_none_or(|m| m[node as usize]) {
                            let key = (par, node);
                            if sample_edges.is_new(key, first_visit) {
                                g.edges
                                    .entry(key)
                                    .and_modify(|e| {
                                        e.weight = e.weight.wrapping_add(w);
                                        e.inline &= inline;
                                    })
                                    .or_insert(Edge { weight: w, inline });
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
                g.flat[par as usize] = g.flat[par as usize].wrapping_add(w);
            }
        }
    }
    g
}

/// Flat and cum of every node, all nodes kept, no edges: the lean pass
/// `top` needs first. Same rules as [`build_graph`].
pub fn flat_cum(p: &Profile, t: &NodeTable, idx: usize) -> (Vec<i64>, Vec<i64>) {
    let parts = in_parallel(p, |r| flat_cum_range(p, t, idx, r));
    let mut it = parts.into_iter();
    let (mut flat, mut cum) = it.next().expect("at least one part");
    for (f, c) in it {
        for (a, b) in flat.iter_mut().zip(f) {
            *a = a.wrapping_add(b);
        }
        for (a, b) in cum.iter_mut().zip(c) {
            *a = a.wrapping_add(b);
        }
    }
    (flat, cum)
}

/// Runs `f` on contiguous ranges of sample indices, one per core (up to
/// 8), for profiles big enough to be worth it; results in range order.
/// Every per-sample rule is local to its sample, so parts simply add up.
/// The ranges hold about as many frames each (the work of every pass), not
/// as many samples.
pub fn in_parallel<T: Send>(p: &Profile, f: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let n = p.samples.len();
    let frames = p.samples.locs.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |x| x.get())
        .min(8);
    if threads <= 1 || frames < 1 << 20 {
        return vec![f(0..n)];
    }
    let ends = &p.samples.loc_ends;
    let cut = |k: usize| -> usize {
        let target = (frames as u64 * k as u64 / threads as u64) as usize;
        ends.partition_point(|&e| (e as usize) <= target).min(n)
    };
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let start = if k == 0 { 0 } else { cut(k) };
                let r = start..if k + 1 == threads { n } else { cut(k + 1) };
                s.spawn(move || f(r))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker thread"))
            .collect()
    })
}

fn flat_cum_range(
    p: &Profile,
    t: &NodeTable,
    idx: usize,
    range: std::ops::Range<usize>,
) -> (Vec<i64>, Vec<i64>) {
    let n = t.len();
    let mut flat = vec![0i64; n];
    let mut cum = vec![0i64; n];
    let mut stamps = Stamps::new(n);
    let loc_start = &t.loc_start;
    let loc_nodes = &t.loc_nodes;
    for (_, locs, w) in p.samples.weighted(idx, range) {
        stamps.next_sample();
        for &loc in locs {
            let l = loc.0 as usize;
            for &node in &loc_nodes[loc_start[l] as usize..loc_start[l + 1] as usize] {
                let node = node as usize;
                if stamps.visit(node) {
                    cum[node] = cum[node].wrapping_add(w);
                }
            }
        }
        // The innermost frame of the leaf location holds the flat value.
        if let Some(&leaf) = locs.first() {
            let l = leaf.0 as usize;
            let f = &mut flat[loc_nodes[loc_start[l] as usize] as usize];
            *f = f.wrapping_add(w);
        }
    }
    (flat, cum)
}

/// The incoming edges of selected nodes: for node `c`, `lists[c]` holds
/// `(caller, weight, inline)`. Same walk as [`build_graph`] (kept nodes
/// only, each edge once per sample), but only frames whose node is
/// selected by `into` cost anything, and edges have dense ids: fixed by
/// the location for a frame with a kept frame before it in its location,
/// else looked up behind a memo of the frame's recent callers.
pub fn in_edges(
    p: &Profile,
    t: &NodeTable,
    idx: usize,
    kept: Option<&[bool]>,
    into: &[bool],
) -> Vec<Vec<(u32, i64, bool)>> {
    let kf = KeptFrames::new(t, kept, into);
    let parts = in_parallel(p, |r| in_edges_range(p, t, idx, kf.clone(), r));
    let mut it = parts.into_iter();
    let mut lists = it.next().expect("at least one part");
    for other in it {
        for (dst, more) in lists.iter_mut().zip(other) {
            if more.is_empty() {
                continue;
            }
            let mut pos: FxHashMap<u32, usize> =
                dst.iter().enumerate().map(|(k, e)| (e.0, k)).collect();
            for (par, w, inl) in more {
                match pos.get(&par) {
                    Some(&k) => {
                        dst[k].1 = dst[k].1.wrapping_add(w);
                        dst[k].2 &= inl;
                    }
                    None => {
                        pos.insert(par, dst.len());
                        dst.push((par, w, inl));
                    }
                }
            }
        }
    }
    lists
}

/// No node (a location without kept nodes, or a frame whose parent is in
/// an earlier location).
const NO_NODE: u32 = u32::MAX;

/// What the edge pass needs of each location. The caller of a kept frame
/// is the kept frame before it (outermost first), which for every frame
/// but a location's first kept one is fixed by the location itself. So
/// per location this holds only the frames whose node takes edges
/// (`into`), plus the location's innermost kept node, the caller of the
/// next location's first. Kept frames that take no edges then cost nothing
/// in the pass, and a location with no kept frame one lookup.
#[derive(Clone)]
struct KeptFrames {
    /// Per location: its innermost kept node ([`NONE_KEPT`] if none), with
    /// [`HAS_FRAMES`] set when it has frames in `frames`, and the index of
    /// its first frame there.
    locs: Vec<[u32; 2]>,
    frames: Vec<EdgeFrame>,
}

/// The flag bit of a [`KeptFrames::locs`] node; node indices stay below
/// it (a node takes far more than two bytes of a profile capped at 2 GiB).
const HAS_FRAMES: u32 = 1 << 31;

/// A [`KeptFrames::locs`] node: the location has no kept frame.
const NONE_KEPT: u32 = HAS_FRAMES - 1;

/// One frame whose node takes edges, with everything the walk needs of
/// it in one record (one cache line touched per frame).
#[derive(Clone, Copy)]
struct EdgeFrame {
    node: u32,
    /// The kept frame before it in its location; `NO_NODE`: the previous
    /// location's innermost kept node, known only per sample.
    caller: u32,
    /// The id of the edge from a fixed `caller`, interned at its first
    /// use (`NO_NODE` until then).
    fixed: u32,
    /// An inlined frame (not its location's outermost line).
    inline: bool,
    /// The last of its location's frames.
    last: bool,
    /// The two most recent per-sample callers and their edge ids.
    memo: [(u32, u32); 2],
}

impl KeptFrames {
    fn new(t: &NodeTable, kept: Option<&[bool]>, into: &[bool]) -> KeptFrames {
        let nlocs = t.loc_start.len().saturating_sub(1);
        let mut k = KeptFrames {
            locs: Vec::with_capacity(nlocs),
            frames: Vec::new(),
        };
        for loc in 0..nlocs {
            let start = k.frames.len();
            let mut prev = NO_NODE;
            for (node, inline) in t.nodes_root_first(loc) {
                if kept.is_none_or(|m| m[node as usize]) {
                    if into[node as usize] {
                        k.frames.push(EdgeFrame {
                            node,
                            caller: prev,
                            fixed: NO_NODE,
                            inline,
                            last: false,
                            memo: [(NO_NODE, NO_NODE); 2],
                        });
                    }
                    prev = node;
                }
            }
            debug_assert!(prev == NO_NODE || prev < NONE_KEPT);
            let inner = if prev == NO_NODE {
                NONE_KEPT
            } else if k.frames.len() > start {
                k.frames.last_mut().expect("a frame").last = true;
                prev | HAS_FRAMES
            } else {
                prev
            };
            k.locs.push([inner, start as u32]);
        }
        k
    }
}

fn in_edges_range(
    p: &Profile,
    t: &NodeTable,
    idx: usize,
    mut kf: KeptFrames,
    range: std::ops::Range<usize>,
) -> Vec<Vec<(u32, i64, bool)>> {
    // Dense edge ids, in order of first use; an edge from a fixed caller
    // keeps its id in its frame, one from the previous location's
    // innermost node is looked up per sample behind the frame's memo.
    let mut edges = EdgeTally::default();
    // An edge into a node seen for the first time in a sample cannot have
    // been counted in it yet. Per node: the last sample that visited it
    // and the first edge counted into it then; a node visited again in the
    // same sample (recursion) checks `repeats` for any other edge.
    let mut seen: Vec<(u32, u32)> = vec![(0, 0); t.len()];
    let mut repeats = Repeats::default();
    let mut with_frames: Vec<(u32, u32)> = Vec::new();
    let mut sample = 0u32;
    for (_, locs, w) in p.samples.weighted(idx, range) {
        // Sample numbers start at 1 (0 marks "never").
        if sample == u32::MAX {
            seen.iter_mut().for_each(|s| s.0 = 0);
            sample = 0;
        }
        sample += 1;
        repeats.next_sample();
        // First the locations with frames, each with its caller, without
        // a branch per location (whether a location has kept frames is
        // as good as random); then their frames.
        with_frames.resize(locs.len(), (0, 0));
        let mut n = 0;
        let mut parent = NO_NODE;
        for &loc in locs.iter().rev() {
            let [inner, first] = kf.locs[loc.0 as usize];
            with_frames[n] = (first, parent);
            n += (inner >> 31) as usize;
            parent = if inner == NONE_KEPT {
                parent
            } else {
                inner & !HAS_FRAMES
            };
        }
        for &(first, parent) in &with_frames[..n] {
            let mut f = first as usize;
            loop {
                let fr = &mut kf.frames[f];
                f += 1;
                let node = fr.node;
                let edge = if fr.caller != NO_NODE {
                    if fr.caller == node {
                        None
                    } else {
                        if fr.fixed == NO_NODE {
                            fr.fixed = edges.id((fr.caller, node));
                        }
                        Some(fr.fixed)
                    }
                } else if parent == NO_NODE || parent == node {
                    None
                } else {
                    let m = &mut fr.memo;
                    if m[0].0 != parent {
                        if m[1].0 == parent {
                            m.swap(0, 1);
                        } else {
                            m[1] = m[0];
                            m[0] = (parent, edges.id((parent, node)));
                        }
                    }
                    Some(m[0].1)
                };
                let (last, inline) = (fr.last, fr.inline);
                if let Some(eid) = edge {
                    let s = &mut seen[node as usize];
                    let new = if s.0 != sample {
                        *s = (sample, eid);
                        true
                    } else {
                        s.1 != eid && repeats.is_new(eid)
                    };
                    if new {
                        let e = eid as usize;
                        edges.weight[e] = edges.weight[e].wrapping_add(w);
                        edges.state[e] = edges.state[e].max(if inline { 1 } else { 2 });
                    }
                }
                if last {
                    break;
                }
            }
        }
    }
    let mut lists: Vec<Vec<(u32, i64, bool)>> = vec![Vec::new(); t.len()];
    for (eid, &(par, node)) in edges.ends.iter().enumerate() {
        if edges.state[eid] != 0 {
            lists[node as usize].push((par, edges.weight[eid], edges.state[eid] == 1));
        }
    }
    lists
}

/// The edges of [`in_edges_range`] by dense id: their (caller, callee),
/// weight, and whether every counted frame was inlined (0: not counted;
/// 1: every one inlined; 2: some not). An id gets its tallies when it is
/// made, so counting needs no bound check.
#[derive(Default)]
struct EdgeTally {
    ids: FxHashMap<(u32, u32), u32>,
    ends: Vec<(u32, u32)>,
    weight: Vec<i64>,
    state: Vec<u8>,
}

impl EdgeTally {
    fn id(&mut self, key: (u32, u32)) -> u32 {
        let next = self.ends.len() as u32;
        *self.ids.entry(key).or_insert_with(|| {
            self.ends.push(key);
            self.weight.push(0);
            self.state.push(0);
            next
        })
    }
}

/// The edges a sample counted on a repeated visit of their callee (not
/// the first edge into each node, which the node's stamp holds): a short
/// list, and a set once recursion makes it long.
#[derive(Default)]
struct Repeats {
    list: Vec<u32>,
    set: FxHashSet<u32>,
}

impl Repeats {
    fn next_sample(&mut self) {
        self.list.clear();
        if !self.set.is_empty() {
            self.set.clear();
        }
    }

    /// True if `eid` was not counted on a repeated visit yet; records it.
    fn is_new(&mut self, eid: u32) -> bool {
        if !self.set.is_empty() {
            return self.set.insert(eid);
        }
        if self.list.contains(&eid) {
            return false;
        }
        self.list.push(eid);
        if self.list.len() > 16 {
            self.set.extend(self.list.iter().copied());
        }
        true
    }
}

/// Nodes that appear as an inlined frame (not the last line of their
/// location) anywhere: the only nodes whose incoming edges can be inline.
pub fn ever_inlined(t: &NodeTable) -> Vec<bool> {
    let mut m = vec![false; t.len()];
    for loc in 0..t.loc_start.len().saturating_sub(1) {
        let nodes = t.nodes_of(loc);
        for &n in &nodes[..nodes.len().saturating_sub(1)] {
            m[n as usize] = true;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        assert_eq!(go_clean("a/b/../c"), "a/c");
        assert_eq!(go_clean("/a//b/./c/"), "/a/b/c");
        assert_eq!(go_clean("../x"), "../x");
        assert_eq!(go_clean("/../x"), "/x");
        assert_eq!(go_clean(""), ".");
        assert_eq!(go_clean("./"), ".");
    }

    #[test]
    fn base_matches_go() {
        assert_eq!(go_base("/usr/bin/leaky"), "leaky");
        assert_eq!(go_base("./rust_heap_demo"), "rust_heap_demo");
        assert_eq!(go_base("x/"), "x");
        assert_eq!(go_base(""), ".");
    }

    #[test]
    fn printable_names() {
        let n = NodeInfo {
            name: "main.f".into(),
            ..Default::default()
        };
        assert_eq!(n.printable_name(), "main.f");
        let n = NodeInfo {
            objfile: "/bin/x".into(),
            ..Default::default()
        };
        assert_eq!(n.printable_name(), "[x]");
        assert_eq!(NodeInfo::default().printable_name(), "<unknown>");
        let n = NodeInfo {
            address: 0x4de8c4,
            name: "main.a".into(),
            file: "m.go".into(),
            lineno: 17,
            ..Default::default()
        };
        assert_eq!(n.printable_name(), "00000000004de8c4 main.a m.go:17");
    }
}
