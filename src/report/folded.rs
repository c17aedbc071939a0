//! Folded stacks (`root;caller;leaf value`), the exchange format of flame
//! graph tools. pprof has no such output; heapscope builds it from the same
//! nodes as its other reports: one frame per node of the chosen
//! granularity, inlined frames included (outermost first), identical
//! stacks summed, zero stacks left out, lines sorted by stack.

use crate::aggregate::{self, NodeOptions};
use crate::profile::Profile;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

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

/// The folded stacks of one sample type, to be written out line by line
/// ([`FoldedLines::each_line`]) in [`folded`]'s order without holding
/// every line (hundreds of megabytes on big profiles): each sample's
/// stack as frame name ids (a few bytes a frame), the samples sorted by
/// their folded stack, compared frame by frame, and runs of equal stacks
/// summed as they are written.
#[derive(Debug)]
pub struct FoldedLines<'a> {
    /// Distinct frame names (`;` replaced as [`folded`] does).
    names: Vec<String>,
    /// The stacks of the samples with a non-zero value and a stack, root
    /// first, as indices into `names`: sample `i`'s is
    /// `frames[ends[i - 1]..ends[i]]`.
    frames: Vec<u32>,
    ends: Vec<u32>,
    values: Vec<i64>,
    /// Those samples in stack order.
    order: Vec<u32>,
    /// Per name (ids are in byte order of the names): whether it is a
    /// proper prefix of another name, the one case where comparing ids is
    /// not comparing folded stacks.
    prefix: Vec<bool>,
    profile: std::marker::PhantomData<&'a Profile>,
}

/// The distinct frame names of `table`'s nodes (`;` replaced by `:`, as
/// [`folded`] writes them) and each node's index into them.
fn frame_names(table: &aggregate::NodeTable) -> (Vec<String>, Vec<u32>) {
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut names: Vec<String> = Vec::new();
    let name_of: Vec<u32> = table
        .infos
        .iter()
        .map(|i| {
            let n = i.printable_name().replace(';', ":");
            *ids.entry(n).or_insert_with_key(|n| {
                names.push(n.clone());
                (names.len() - 1) as u32
            })
        })
        .collect();
    (names, name_of)
}

/// Sorts `p`'s samples into [`folded`]'s order.
pub fn folded_lines(p: &Profile, sample_index: usize, nodes: NodeOptions) -> FoldedLines<'_> {
    let table = aggregate::node_table(p, nodes);
    // Equal names make equal folded stacks.
    let (names, name_of) = frame_names(&table);
    // Renumbered in byte order, so that ids compare as names do.
    let mut by_bytes: Vec<u32> = (0..names.len() as u32).collect();
    by_bytes.sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
    let mut rank = vec![0u32; names.len()];
    for (r, &i) in by_bytes.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    let mut names = names;
    let mut sorted: Vec<String> = by_bytes
        .iter()
        .map(|&i| std::mem::take(&mut names[i as usize]))
        .collect();
    let name_of: Vec<u32> = name_of.iter().map(|&i| rank[i as usize]).collect();
    // Every name a given name is a prefix of comes right after it.
    let prefix: Vec<bool> = (0..sorted.len())
        .map(|i| sorted.get(i + 1).is_some_and(|n| n.starts_with(&sorted[i])))
        .collect();
    sorted.shrink_to_fit();
    let mut l = FoldedLines {
        names: sorted,
        prefix,
        frames: Vec::new(),
        ends: Vec::new(),
        values: Vec::new(),
        order: Vec::new(),
        profile: std::marker::PhantomData,
    };
    for (_, locs, v) in p.samples.weighted(sample_index, 0..p.samples.len()) {
        let start = l.frames.len();
        for loc in locs.iter().rev() {
            for &n in table.nodes_of(loc.0 as usize).iter().rev() {
                l.frames.push(name_of[n as usize]);
            }
        }
        if l.frames.len() > start {
            l.ends.push(l.frames.len() as u32);
            l.values.push(v);
        }
    }
    drop(table);
    let mut order: Vec<u32> = (0..l.ends.len() as u32).collect();
    order.sort_by(|&a, &b| l.cmp_stacks(a, b));
    l.order = order;
    l
}

impl FoldedLines<'_> {
    /// Kept sample `i`'s stack, root first, as name ids.
    #[inline]
    fn stack(&self, i: u32) -> &[u32] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.frames[start..self.ends[i] as usize]
    }

    /// The byte order of two samples' folded stacks. Frame by frame: at
    /// the first differing name, the rest of each stack reads as the name
    /// followed by `;` if more frames follow (names hold no `;`), or by
    /// nothing.
    fn cmp_stacks(&self, a: u32, b: u32) -> Ordering {
        let (x, y) = (self.stack(a), self.stack(b));
        let Some(d) = x.iter().zip(y).position(|(m, n)| m != n) else {
            return x.len().cmp(&y.len());
        };
        let (m, n) = (x[d] as usize, y[d] as usize);
        if !self.prefix[m] && !self.prefix[n] {
            // Neither name is a prefix of the other: they differ within
            // both, whatever follows them.
            return m.cmp(&n);
        }
        let ka = self.names[x[d] as usize]
            .bytes()
            .chain((d + 1 < x.len()).then_some(b';'));
        let kb = self.names[y[d] as usize]
            .bytes()
            .chain((d + 1 < y.len()).then_some(b';'));
        ka.cmp(kb)
    }

    /// Runs of equal stacks: (first position in `order`, summed value).
    fn runs(&self) -> impl Iterator<Item = (usize, i64)> + '_ {
        let mut i = 0;
        std::iter::from_fn(move || {
            if i >= self.order.len() {
                return None;
            }
            let first = i;
            let stack = self.stack(self.order[first]);
            let mut sum = 0i64;
            while i < self.order.len() && (i == first || self.stack(self.order[i]) == stack) {
                sum = sum.wrapping_add(self.values[self.order[i] as usize]);
                i += 1;
            }
            Some((first, sum))
        })
    }

    /// Whether [`FoldedLines::each_line`] yields nothing.
    pub fn is_empty(&self) -> bool {
        self.runs().all(|(_, v)| v == 0)
    }

    /// Calls `f` with each folded line (stack, value) in [`folded`]'s
    /// order; stops at `f`'s first error.
    pub fn each_line<E>(&self, mut f: impl FnMut(&str, i64) -> Result<(), E>) -> Result<(), E> {
        let mut line = String::new();
        for (first, v) in self.runs() {
            if v == 0 {
                continue;
            }
            line.clear();
            for &n in self.stack(self.order[first]) {
                if !line.is_empty() {
                    line.push(';');
                }
                line.push_str(&self.names[n as usize]);
            }
            f(&line, v)?;
        }
        Ok(())
    }
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

/// What a flame graph of one profile draws, from a pruned frame tree:
/// `folded` for big profiles builds one string per stack (hundreds of
/// megabytes) only for the SVG writer to drop most frames as too narrow.
#[derive(Debug, Default)]
pub struct FlameStacks {
    /// Folded lines of positive value, sorted. Whole for every frame that
    /// can be drawn; a subtree too narrow to draw any of its frames is one
    /// line for all of it.
    pub lines: Vec<(String, i64)>,
    /// Σ of the positive folded values: the graph's total.
    pub total: i64,
    /// Whether any folded stack is non-zero (`folded` would print a line).
    pub any_stack: bool,
}

/// The folded stacks of `folded`, as the flame graph writer (inferno) will
/// draw them with frames narrower than `min_width` percent of the total
/// left out.
///
/// inferno sorts the lines and merges runs of equal frames; the lines of
/// one frame's callees (`P;...`) form one run whatever the other lines
/// are, so a run whose total is below the cut-off can be replaced by one
/// line `P;C total` (`C` one of the callees): the frames inferno builds at
/// `P` and above keep their widths, and those below are as invisible as
/// before.
pub fn flame_stacks(
    p: &Profile,
    sample_index: usize,
    nodes: NodeOptions,
    min_width: f64,
) -> FlameStacks {
    let stride = p.samples.stride;
    let positive = p
        .samples
        .values
        .iter()
        .skip(sample_index)
        .step_by(stride.max(1))
        .all(|&v| v >= 0);
    if positive {
        let table = aggregate::node_table(p, nodes);
        let (names, name_of) = frame_names(&table);
        return flame_stacks_positive(p, sample_index, &table, &names, &name_of, min_width);
    }
    flame_stacks_tree(p, sample_index, nodes, min_width)
}

/// [`flame_stacks`] by building the whole frame tree first: for stacks of
/// either sign (public so that tests can hold the top-down build of
/// positive values against it).
#[doc(hidden)]
pub fn flame_stacks_tree(
    p: &Profile,
    sample_index: usize,
    nodes: NodeOptions,
    min_width: f64,
) -> FlameStacks {
    let table = aggregate::node_table(p, nodes);
    // Equal names are one frame for inferno.
    let (names, name_of) = frame_names(&table);

    // The frame tree: node 0 is the root (the empty stack).
    let mut parent: Vec<u32> = vec![0];
    let mut name: Vec<u32> = vec![u32::MAX];
    let mut value: Vec<i64> = vec![0];
    let mut child: FxHashMap<u64, u32> = FxHashMap::default();
    // The previous sample's path: consecutive samples share callers.
    let mut prev: Vec<(u32, u32)> = Vec::new();
    for s in p.samples.iter() {
        let v = s.values[sample_index];
        if v == 0 {
            continue;
        }
        let mut cur = 0u32;
        let mut depth = 0usize;
        let mut same = true;
        for loc in s.locs.iter().rev() {
            for &n in table.nodes_of(loc.0 as usize).iter().rev() {
                let nm = name_of[n as usize];
                if same && prev.get(depth).is_some_and(|&(pn, _)| pn == nm) {
                    cur = prev[depth].1;
                } else {
                    same = false;
                    let key = u64::from(cur) << 32 | u64::from(nm);
                    cur = *child.entry(key).or_insert_with(|| {
                        parent.push(cur);
                        name.push(nm);
                        value.push(0);
                        (parent.len() - 1) as u32
                    });
                    prev.truncate(depth);
                    prev.push((nm, cur));
                }
                depth += 1;
            }
        }
        prev.truncate(depth);
        if cur != 0 {
            value[cur as usize] = value[cur as usize].wrapping_add(v);
        }
    }
    drop(child);

    let n = parent.len();
    let mut out = FlameStacks {
        any_stack: value[1..].iter().any(|&v| v != 0),
        ..Default::default()
    };
    // Positive values, and their sums over subtrees (children come after
    // their parents).
    let pos: Vec<i64> = value.iter().map(|&v| v.max(0)).collect();
    let mut sub = pos.clone();
    for i in (1..n).rev() {
        let par = parent[i] as usize;
        sub[par] = sub[par].wrapping_add(sub[i]);
    }
    out.total = sub[0];
    if out.total <= 0 {
        return out;
    }
    // inferno's cut-off: a frame narrower than this (in value) is left out.
    let cutoff = min_width / (100.0 / out.total as f64);
    // Children lists.
    let mut start = vec![0u32; n + 1];
    for &par in &parent[1..] {
        start[par as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut kids = vec![0u32; n.saturating_sub(1)];
    let mut fill = start.clone();
    for (i, &par) in parent.iter().enumerate().skip(1) {
        kids[fill[par as usize] as usize] = i as u32;
        fill[par as usize] += 1;
    }
    let kids_of = |i: usize| &kids[start[i] as usize..start[i + 1] as usize];

    // Depth first; `path` holds the current node's stack.
    let mut path = String::new();
    let mut todo: Vec<(u32, usize)> = kids_of(0).iter().rev().map(|&k| (k, 0)).collect();
    while let Some((i, len)) = todo.pop() {
        // As `folded` joins names: a separator after a non-empty prefix.
        let i = i as usize;
        if sub[i] == 0 {
            continue;
        }
        path.truncate(len);
        if len != 0 {
            path.push(';');
        }
        path.push_str(&names[name[i] as usize]);
        if pos[i] > 0 {
            out.lines.push((path.clone(), pos[i]));
        }
        let below = sub[i].wrapping_sub(pos[i]);
        if below <= 0 {
            continue;
        }
        if (below as f64) < cutoff {
            let c = kids_of(i).iter().find(|&&k| sub[k as usize] > 0).copied();
            if let Some(c) = c {
                out.lines.push((
                    format!("{path};{}", names[name[c as usize] as usize]),
                    below,
                ));
                continue;
            }
        }
        let plen = path.len();
        todo.extend(kids_of(i).iter().rev().map(|&k| (k, plen)));
    }
    out.lines.sort();
    out
}

/// A sample's place in its stack, root first, while [`flame_stacks_positive`]
/// walks down: `li` locations and `ni` of the next location's frames are
/// behind it; `key` is the frame just read (`END`: none left).
#[derive(Clone, Copy)]
struct Cursor {
    key: u32,
    sample: u32,
    li: u32,
    ni: u32,
    v: i64,
}

const END: u32 = u32::MAX;

/// [`flame_stacks`] when no value is negative: then a frame's width is the
/// plain sum of its samples, so the tree is built top down, one level at a
/// time, only where the frames below are wide enough to draw; the rest of
/// a subtree is never built (on big profiles most of the tree).
///
/// Each frame's samples are a run of `cur`, split into runs by their next
/// frame. The lines are those of the full tree: a frame's own value, and
/// for a subtree too narrow to draw, one line naming its first child (the
/// one the full tree creates first: the callee of the earliest sample).
fn flame_stacks_positive(
    p: &Profile,
    sample_index: usize,
    table: &aggregate::NodeTable,
    names: &[String],
    name_of: &[u32],
    min_width: f64,
) -> FlameStacks {
    let s = &p.samples;
    let stride = s.stride;
    let next = |c: &mut Cursor| {
        let end = s.loc_ends[c.sample as usize] as usize;
        let start = match c.sample {
            0 => 0,
            i => s.loc_ends[i as usize - 1] as usize,
        };
        let locs = &s.locs[start..end];
        loop {
            let Some(loc) = locs.len().checked_sub(1 + c.li as usize).map(|i| locs[i]) else {
                c.key = END;
                return;
            };
            let ns = table.nodes_of(loc.0 as usize);
            if let Some(i) = ns.len().checked_sub(1 + c.ni as usize) {
                c.ni += 1;
                c.key = name_of[ns[i] as usize];
                return;
            }
            c.li += 1;
            c.ni = 0;
        }
    };
    let mut cur: Vec<Cursor> = Vec::new();
    for i in 0..s.len() {
        let v = s.values[i * stride + sample_index];
        if v == 0 {
            continue;
        }
        let mut c = Cursor {
            key: END,
            sample: i as u32,
            li: 0,
            ni: 0,
            v,
        };
        next(&mut c);
        if c.key != END {
            cur.push(c);
        }
    }
    let mut out = FlameStacks {
        any_stack: !cur.is_empty(),
        ..Default::default()
    };
    out.total = cur.iter().fold(0i64, |t, c| t.wrapping_add(c.v));
    if out.total <= 0 {
        return out;
    }
    let cutoff = min_width / (100.0 / out.total as f64);
    // Runs of `cur` with the same key: (start, end, path length before it).
    let mut todo: Vec<(usize, usize, usize)> = Vec::new();
    let split = |cur: &mut [Cursor], lo: usize, todo: &mut Vec<(usize, usize, usize)>, len| {
        // The samples that end here (`END`) sort last and go no further.
        cur.sort_unstable_by_key(|c| c.key);
        let mut a = 0;
        while a < cur.len() && cur[a].key != END {
            let k = cur[a].key;
            let b = a + cur[a..].partition_point(|c| c.key == k);
            todo.push((lo + a, lo + b, len));
            a = b;
        }
    };
    split(&mut cur, 0, &mut todo, 0);
    let mut path = String::new();
    while let Some((lo, hi, len)) = todo.pop() {
        let run = &mut cur[lo..hi];
        path.truncate(len);
        if len != 0 {
            path.push(';');
        }
        path.push_str(&names[run[0].key as usize]);
        let (mut own, mut below) = (0i64, 0i64);
        let mut first: Option<(u32, u32)> = None;
        for c in run.iter_mut() {
            next(c);
            if c.key == END {
                own = own.wrapping_add(c.v);
            } else {
                below = below.wrapping_add(c.v);
                if first.is_none_or(|(s, _)| c.sample < s) {
                    first = Some((c.sample, c.key));
                }
            }
        }
        if own > 0 {
            out.lines.push((path.clone(), own));
        }
        if below <= 0 {
            continue;
        }
        if (below as f64) < cutoff {
            if let Some((_, k)) = first {
                out.lines
                    .push((format!("{path};{}", names[k as usize]), below));
            }
            continue;
        }
        let plen = path.len();
        split(run, lo, &mut todo, plen);
    }
    out.lines.sort();
    out
}
