//! A layered (Sugiyama-style) layout for call graphs, in the manner of
//! Graphviz's `dot`, with bounded work and no external tool.
//!
//! Steps: reverse the edges that close cycles (DFS from the heaviest
//! nodes), rank by longest path, double the ranks so that every edge
//! crosses at least one virtual node (the middle one carries the edge
//! label, so labels take room like nodes and never overlap them), order
//! each rank by barycenter sweeps keeping the ordering with the fewest
//! crossings, then place x by weighted isotonic regression per rank
//! (every rank keeps its order and minimum gaps exactly; edges pull
//! their ends together, long edges harder, so they run straight).
//!
//! Work is bounded up front: a request with more boxes or virtual nodes
//! than the limits gets [`LayoutError::TooLarge`] instead of a long wait.

use std::collections::VecDeque;
use std::fmt;

/// Most boxes (nodes and tag boxes) a picture is drawn with.
pub const MAX_BOXES: usize = 4000;
/// Most virtual nodes (boxes plus edge bends).
pub const MAX_VIRTUAL: usize = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct LayoutEdge {
    pub src: usize,
    pub dst: usize,
    /// Minimum rank distance (1, or 2 to leave room for tag boxes).
    pub minlen: usize,
    /// Pull towards straightness (the edge's share of the total).
    pub weight: f64,
    /// Label size (0 x 0 for none).
    pub label: (f64, f64),
}

#[derive(Clone, Debug)]
pub struct LayoutInput {
    /// Box sizes (width, height).
    pub sizes: Vec<(f64, f64)>,
    pub edges: Vec<LayoutEdge>,
}

#[derive(Clone, Debug)]
pub struct Layout {
    /// Box centres.
    pub pos: Vec<(f64, f64)>,
    /// Per edge: the polyline from its source box to its target box (for
    /// a self edge: a loop to the right of the box).
    pub paths: Vec<Vec<(f64, f64)>>,
    /// Per edge: where its label's left-middle point goes.
    pub labels: Vec<(f64, f64)>,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayoutError {
    TooLarge { boxes: usize, virtual_nodes: usize },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::TooLarge {
                boxes,
                virtual_nodes,
            } => write!(
                f,
                "graph too large to draw: {boxes} boxes and {virtual_nodes} layout points \
                 (limits {MAX_BOXES} and {MAX_VIRTUAL}); lower --nodecount or use --format dot"
            ),
        }
    }
}

impl std::error::Error for LayoutError {}

const NODE_GAP: f64 = 14.0;
const DUMMY_GAP: f64 = 6.0;
const DUMMY_W: f64 = 2.0;
const RANK_GAP: f64 = 10.0;
const LOOP_W: f64 = 26.0;
const MARGIN: f64 = 8.0;

/// A box or a bend of a long edge in the rank grid.
#[derive(Clone, Copy, Debug)]
struct V {
    w: f64,
    h: f64,
    rank: usize,
    /// The box it stands for, or None for a bend.
    real: Option<usize>,
}

pub fn layout(inp: &LayoutInput) -> Result<Layout, LayoutError> {
    let n = inp.sizes.len();
    if n > MAX_BOXES {
        return Err(LayoutError::TooLarge {
            boxes: n,
            virtual_nodes: n,
        });
    }
    // Self edges are drawn as loops; they widen their box on the right.
    let mut loop_extra = vec![0.0f64; n];
    for e in &inp.edges {
        if e.src == e.dst {
            loop_extra[e.src] = loop_extra[e.src].max(LOOP_W + e.label.0 + 4.0);
        }
    }

    // 1. Break cycles: DFS from sources first, then in index order.
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for (i, e) in inp.edges.iter().enumerate() {
        if e.src != e.dst {
            out[e.src].push(i);
            indeg[e.dst] += 1;
        }
    }
    let mut reversed = vec![false; inp.edges.len()];
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let starts: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).chain(0..n).collect();
    for s in starts {
        if state[s] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        state[s] = 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < out[v].len() {
                let ei = out[v][*k];
                *k += 1;
                let d = inp.edges[ei].dst;
                match state[d] {
                    0 => {
                        state[d] = 1;
                        stack.push((d, 0));
                    }
                    1 => reversed[ei] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // DAG edges (upper, lower, edge index).
    let dag: Vec<(usize, usize, usize)> = inp
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.src != e.dst)
        .map(|(i, e)| {
            if reversed[i] {
                (e.dst, e.src, i)
            } else {
                (e.src, e.dst, i)
            }
        })
        .collect();

    // 2. Rank by longest path (Kahn), then pull sources down to their
    // nearest child.
    let mut succ: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut deg = vec![0usize; n];
    for &(u, v, i) in &dag {
        succ[u].push((v, inp.edges[i].minlen.max(1)));
        deg[v] += 1;
    }
    let mut rank = vec![0usize; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&v| deg[v] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    while let Some(u) = queue.pop_front() {
        topo.push(u);
        for &(v, ml) in &succ[u] {
            rank[v] = rank[v].max(rank[u] + ml);
            deg[v] -= 1;
            if deg[v] == 0 {
                queue.push_back(v);
            }
        }
    }
    // Shorten edges: a node moves within the ranks its edges allow to the
    // end with more edges (each rank moved changes the total length by
    // #callers - #callees); a few passes of this coordinate descent.
    let mut pred: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (u, list) in succ.iter().enumerate() {
        for &(v, ml) in list {
            pred[v].push((u, ml));
        }
    }
    for _ in 0..8 {
        let mut moved = false;
        for &v in topo.iter().rev() {
            let lo = pred[v]
                .iter()
                .map(|&(u, ml)| rank[u] + ml)
                .max()
                .unwrap_or(0);
            let hi = succ[v]
                .iter()
                .map(|&(w, ml)| rank[w].saturating_sub(ml))
                .min();
            let Some(hi) = hi else { continue };
            let (np, ns) = (pred[v].len(), succ[v].len());
            let want = if ns > np {
                hi
            } else if ns < np {
                lo
            } else {
                rank[v]
            };
            let want = want.clamp(lo, hi.max(lo));
            if want != rank[v] {
                rank[v] = want;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    // Ranks start at 0.
    if let Some(m) = rank.iter().copied().min() {
        rank.iter_mut().for_each(|r| *r -= m);
    }

    // 3. Virtual nodes: ranks doubled; each edge gets a chain of bends.
    let mut vs: Vec<V> = (0..n)
        .map(|i| V {
            w: inp.sizes[i].0 + 2.0 * loop_extra[i],
            h: inp.sizes[i].1,
            rank: 2 * rank[i],
            real: Some(i),
        })
        .collect();
    let total_virtual: usize = n + dag
        .iter()
        .map(|&(u, v, _)| 2 * (rank[v] - rank[u]) - 1)
        .sum::<usize>();
    if total_virtual > MAX_VIRTUAL {
        return Err(LayoutError::TooLarge {
            boxes: n,
            virtual_nodes: total_virtual,
        });
    }
    // Per edge: the chain of virtual nodes from upper to lower, and which
    // one carries the label.
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); inp.edges.len()];
    let mut label_at: Vec<usize> = vec![usize::MAX; inp.edges.len()];
    // Links between adjacent ranks: (upper v, lower v, weight).
    let mut links: Vec<(usize, usize, f64)> = Vec::new();
    for &(u, v, i) in &dag {
        let e = &inp.edges[i];
        let (ru, rv) = (2 * rank[u], 2 * rank[v]);
        let mid = ru + 1 + (rv - ru - 2) / 2;
        let mut chain = vec![u];
        for r in ru + 1..rv {
            let is_label = r == mid;
            let id = vs.len();
            vs.push(V {
                w: if is_label && e.label.0 > 0.0 {
                    e.label.0 + 10.0
                } else {
                    DUMMY_W
                },
                h: if is_label { e.label.1 } else { 0.0 },
                rank: r,
                real: None,
            });
            if is_label {
                label_at[i] = id;
            }
            chain.push(id);
        }
        chain.push(v);
        let w = 1.0 + 4.0 * e.weight;
        for k in 0..chain.len() - 1 {
            let (a, b) = (chain[k], chain[k + 1]);
            let both_dummy = vs[a].real.is_none() && vs[b].real.is_none();
            let one_dummy = vs[a].real.is_none() || vs[b].real.is_none();
            let lw = if both_dummy {
                8.0 * w
            } else if one_dummy {
                2.0 * w
            } else {
                w
            };
            links.push((a, b, lw));
        }
        chains[i] = chain;
    }
    let nv = vs.len();
    let max_rank = vs.iter().map(|v| v.rank).max().unwrap_or(0);
    let mut up: Vec<Vec<(usize, f64)>> = vec![Vec::new(); nv];
    let mut down: Vec<Vec<(usize, f64)>> = vec![Vec::new(); nv];
    for &(a, b, w) in &links {
        down[a].push((b, w));
        up[b].push((a, w));
    }

    // 4. Order: initial DFS order from the first boxes, then barycenter
    // sweeps; keep the ordering with the fewest crossings.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); max_rank + 1];
    {
        let mut seen = vec![false; nv];
        let mut roots: Vec<usize> = (0..n).filter(|&v| up[v].is_empty()).collect();
        roots.extend(0..nv);
        for r in roots {
            if seen[r] {
                continue;
            }
            let mut stack = vec![r];
            while let Some(v) = stack.pop() {
                if seen[v] {
                    continue;
                }
                seen[v] = true;
                layers[vs[v].rank].push(v);
                for &(c, _) in down[v].iter().rev() {
                    if !seen[c] {
                        stack.push(c);
                    }
                }
            }
        }
    }
    let mut pos_in = vec![0usize; nv];
    let set_pos = |layers: &Vec<Vec<usize>>, pos_in: &mut Vec<usize>| {
        for l in layers {
            for (i, &v) in l.iter().enumerate() {
                pos_in[v] = i;
            }
        }
    };
    set_pos(&layers, &mut pos_in);
    let mut best = layers.clone();
    let mut best_cross = crossings(&layers, &down, &pos_in);
    let work = links.len().max(1);
    let iters = (4_000_000 / work).clamp(1, 12);
    for it in 0..iters {
        let downward = it % 2 == 0;
        let ranks: Vec<usize> = if downward {
            (1..=max_rank).collect()
        } else {
            (0..max_rank).rev().collect()
        };
        for r in ranks {
            let nb = if downward { &up } else { &down };
            let mut keyed: Vec<(f64, usize, usize)> = layers[r]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let (mut s, mut ws) = (0.0, 0.0);
                    for &(u, w) in &nb[v] {
                        s += w * pos_in[u] as f64;
                        ws += w;
                    }
                    let key = if ws > 0.0 { s / ws } else { i as f64 };
                    (key, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[r] = keyed.into_iter().map(|x| x.2).collect();
            for (i, &v) in layers[r].iter().enumerate() {
                pos_in[v] = i;
            }
        }
        let c = crossings(&layers, &down, &pos_in);
        if c < best_cross {
            best_cross = c;
            best = layers.clone();
        }
    }
    let layers = best;
    set_pos(&layers, &mut pos_in);

    // 5. x by isotonic regression per rank, alternating sweeps.
    let mut x = vec![0.0f64; nv];
    for l in &layers {
        let mut cur = 0.0;
        for (i, &v) in l.iter().enumerate() {
            if i > 0 {
                cur += sep(&vs, l[i - 1], v);
            }
            x[v] = cur;
        }
    }
    let sweeps = (2_000_000 / (nv + links.len()).max(1)).clamp(2, 16);
    for it in 0..sweeps {
        let phase = it % 4;
        let ranks: Vec<usize> = if phase % 2 == 0 {
            (0..=max_rank).collect()
        } else {
            (0..=max_rank).rev().collect()
        };
        for r in ranks {
            let l = &layers[r];
            if l.is_empty() {
                continue;
            }
            let mut want = Vec::with_capacity(l.len());
            let mut wts = Vec::with_capacity(l.len());
            for &v in l {
                let (mut s, mut ws) = (0.0, 0.0);
                let use_up = phase == 0 || phase >= 2;
                let use_down = phase == 1 || phase >= 2;
                if use_up {
                    for &(u, w) in &up[v] {
                        s += w * x[u];
                        ws += w;
                    }
                }
                if use_down {
                    for &(u, w) in &down[v] {
                        s += w * x[u];
                        ws += w;
                    }
                }
                if ws > 0.0 {
                    want.push(s / ws);
                    wts.push(ws);
                } else {
                    want.push(x[v]);
                    wts.push(0.01);
                }
            }
            let placed = isotonic_place(&vs, l, &want, &wts);
            for (k, &v) in l.iter().enumerate() {
                x[v] = placed[k];
            }
        }
    }
    // Normalize to the margin.
    let min_x = (0..nv)
        .map(|v| x[v] - vs[v].w / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = if min_x.is_finite() {
        MARGIN - min_x
    } else {
        0.0
    };
    for v in x.iter_mut() {
        *v += shift;
    }
    // 6. y by rank heights.
    let mut rank_h = vec![0.0f64; max_rank + 1];
    for v in &vs {
        rank_h[v.rank] = rank_h[v.rank].max(v.h);
    }
    let mut rank_y = vec![0.0f64; max_rank + 1];
    let mut cur = MARGIN;
    for r in 0..=max_rank {
        rank_y[r] = cur + rank_h[r] / 2.0;
        cur += rank_h[r] + RANK_GAP;
    }
    let height = cur - RANK_GAP + MARGIN;
    let width = (0..nv).map(|v| x[v] + vs[v].w / 2.0).fold(0.0, f64::max) + MARGIN;
    let pos: Vec<(f64, f64)> = (0..n).map(|i| (x[i], rank_y[vs[i].rank])).collect();

    // 7. Edge paths and label spots.
    let mut paths = vec![Vec::new(); inp.edges.len()];
    let mut labels = vec![(0.0, 0.0); inp.edges.len()];
    for (i, e) in inp.edges.iter().enumerate() {
        if e.src == e.dst {
            let (cx, cy) = pos[e.src];
            let (w, h) = inp.sizes[e.src];
            let right = cx + w / 2.0;
            paths[i] = vec![
                (right, cy - h / 4.0),
                (right + LOOP_W, cy - h / 4.0),
                (right + LOOP_W, cy + h / 4.0),
                (right, cy + h / 4.0),
            ];
            labels[i] = (right + LOOP_W + 3.0, cy);
            continue;
        }
        let chain = &chains[i];
        let mut pts = Vec::with_capacity(chain.len());
        for (k, &v) in chain.iter().enumerate() {
            let y = rank_y[vs[v].rank];
            if k == 0 {
                pts.push((x[v], y + vs[v].h / 2.0));
            } else if k == chain.len() - 1 {
                pts.push((x[v], y - vs[v].h / 2.0));
            } else if v == label_at[i] && e.label.0 > 0.0 {
                // The edge runs down the label slot's left side.
                let lx = x[v] - vs[v].w / 2.0 + 2.0;
                pts.push((lx, y));
                labels[i] = (lx + 5.0, y);
            } else {
                pts.push((x[v], y));
            }
        }
        if reversed[i] {
            pts.reverse();
        }
        paths[i] = pts;
    }
    Ok(Layout {
        pos,
        paths,
        labels,
        width,
        height,
    })
}

/// Minimum distance between the centres of two neighbours in a rank.
fn sep(vs: &[V], a: usize, b: usize) -> f64 {
    let gap = if vs[a].real.is_some() && vs[b].real.is_some() {
        NODE_GAP
    } else {
        DUMMY_GAP
    };
    (vs[a].w + vs[b].w) / 2.0 + gap
}

/// Positions for a rank in its order that keep the minimum gaps and are
/// as close as possible (weighted least squares) to `want`: pool adjacent
/// violators on positions shifted by the cumulative gaps.
fn isotonic_place(vs: &[V], l: &[usize], want: &[f64], wts: &[f64]) -> Vec<f64> {
    let m = l.len();
    let mut off = vec![0.0; m];
    for i in 1..m {
        off[i] = off[i - 1] + sep(vs, l[i - 1], l[i]);
    }
    // Blocks: (weight, weighted sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(m);
    for i in 0..m {
        let y = want[i] - off[i];
        blocks.push((wts[i], wts[i] * y, 1));
        while blocks.len() > 1 {
            let k = blocks.len();
            let (w1, s1, _) = blocks[k - 2];
            let (w2, s2, _) = blocks[k - 1];
            if s1 / w1 > s2 / w2 {
                let (_, _, c2) = blocks.pop().expect("two blocks");
                let b = blocks.last_mut().expect("one block");
                b.0 += w2;
                b.1 += s2;
                b.2 += c2;
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(m);
    let mut i = 0;
    for (w, s, c) in blocks {
        let y = s / w;
        for _ in 0..c {
            out.push(y + off[i]);
            i += 1;
        }
    }
    out
}

/// Edge crossings between adjacent ranks (accumulator tree, Barth,
/// Jünger and Mutzel), summed over ranks.
fn crossings(layers: &[Vec<usize>], down: &[Vec<(usize, f64)>], pos_in: &[usize]) -> u64 {
    let mut total = 0u64;
    for r in 0..layers.len().saturating_sub(1) {
        let lower = layers[r + 1].len();
        if lower == 0 {
            continue;
        }
        let mut ends: Vec<usize> = Vec::new();
        for &v in &layers[r] {
            let mut e: Vec<usize> = down[v].iter().map(|&(c, _)| pos_in[c]).collect();
            e.sort_unstable();
            ends.extend(e);
        }
        let mut first = 1usize;
        while first < lower {
            first *= 2;
        }
        let size = 2 * first - 1;
        first -= 1;
        let mut tree = vec![0u64; size];
        for p in ends {
            let mut idx = p + first;
            tree[idx] += 1;
            while idx > 0 {
                if idx % 2 == 1 {
                    total += tree[idx + 1];
                }
                idx = (idx - 1) / 2;
                tree[idx] += 1;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(src: usize, dst: usize) -> LayoutEdge {
        LayoutEdge {
            src,
            dst,
            minlen: 1,
            weight: 0.5,
            label: (20.0, 10.0),
        }
    }

    fn overlaps(l: &Layout, sizes: &[(f64, f64)]) -> bool {
        for i in 0..sizes.len() {
            for j in i + 1..sizes.len() {
                let (a, b) = (l.pos[i], l.pos[j]);
                let dx = (a.0 - b.0).abs() * 2.0;
                let dy = (a.1 - b.1).abs() * 2.0;
                if dx < sizes[i].0 + sizes[j].0 && dy < sizes[i].1 + sizes[j].1 {
                    return true;
                }
            }
        }
        false
    }

    #[test]
    fn callers_above_callees_and_no_overlap() {
        let sizes = vec![(60.0, 30.0); 5];
        let inp = LayoutInput {
            sizes: sizes.clone(),
            edges: vec![
                edge(0, 1),
                edge(0, 2),
                edge(1, 3),
                edge(2, 3),
                edge(3, 4),
                edge(0, 4),
            ],
        };
        let l = layout(&inp).unwrap();
        for e in &inp.edges {
            assert!(l.pos[e.src].1 < l.pos[e.dst].1, "{e:?}");
        }
        assert!(!overlaps(&l, &sizes));
    }

    #[test]
    fn cycles_and_self_edges() {
        let sizes = vec![(40.0, 20.0); 3];
        let inp = LayoutInput {
            sizes: sizes.clone(),
            edges: vec![edge(0, 1), edge(1, 2), edge(2, 1), edge(2, 2), edge(1, 0)],
        };
        let l = layout(&inp).unwrap();
        assert!(!overlaps(&l, &sizes));
        assert_eq!(l.paths.len(), 5);
        assert!(l.paths.iter().all(|p| p.len() >= 2));
    }

    #[test]
    fn crossing_count() {
        // 0->3, 1->2 in two ranks: one crossing.
        let layers = vec![vec![0, 1], vec![2, 3]];
        let down = vec![vec![(3, 1.0)], vec![(2, 1.0)], vec![], vec![]];
        let pos_in = vec![0, 1, 0, 1];
        assert_eq!(crossings(&layers, &down, &pos_in), 1);
    }

    #[test]
    fn too_large_is_refused() {
        let inp = LayoutInput {
            sizes: vec![(1.0, 1.0); MAX_BOXES + 1],
            edges: vec![],
        };
        assert!(matches!(layout(&inp), Err(LayoutError::TooLarge { .. })));
    }
}
