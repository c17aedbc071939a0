//! Per-node values of one profile, keyed by printable name, with their
//! sampling variance: the common input of `diff`, `check` and `trend`.
//!
//! Flat and cum come from `aggregate::flat_cum` (the same walk as
//! `top`). A profile is reduced to a [`NodeValues`] (one entry per node that holds
//! any value) and can then be dropped, so commands comparing several
//! profiles hold one profile at a time. Nodes are matched across profiles by
//! their printable name (never by raw address, so a rebuild does not turn
//! every node into NEW + GONE). Two nodes of one profile with the same
//! printable name are summed into one entry.
//!
//! # Sampling noise model
//!
//! Go (and V8, and tcmalloc) sample heap allocations with a Poisson process
//! of mean period `P` bytes (`profile.period`, 512 KiB by default in Go):
//! an object of size `s` is recorded with probability `q = 1 - exp(-s/P)`,
//! and the profile stores the un-sampled estimate, each sampled object
//! counting `1/q` objects and `s/q` bytes. For one sample (a stack and an
//! object size) holding the estimate `N` objects and `V = N*s` bytes, the
//! `n ~ Binomial(N_true, q)` recorded objects give
//!
//! ```text
//! Var(objects) = N * (1-q)/q   = N / (exp(x) - 1)           with x = s/P
//! Var(bytes)   = V * s*(1-q)/q = V * P * x / (exp(x) - 1)
//! ```
//!
//! (the true count replaced by its estimate). `x/(exp(x)-1)` is at most 1,
//! so the variance of a byte value is at most `V * P`: small objects reach
//! that bound, objects much larger than `P` are always sampled and carry no
//! noise. The size `s` of a sample is `bytes / objects`, read from the
//! sibling sample type (`inuse_space` with `inuse_objects`, `alloc_space`
//! with `alloc_objects`, `space` with `objects`). Samples are independent,
//! so the variance of a node's flat or cum value is the sum over the samples
//! that make it, and the variance of a difference of two profiles is the
//! sum of both (exact for profiles of two processes, as in CI; an upper
//! bound for two snapshots of one process, which share sampled objects).
//! Without a positive byte `period` the profile is taken as unsampled
//! (variance 0); a byte value without an object count uses the `V * P`
//! bound; an object count without sizes gets no estimate (variance 0).
//!
//! # Missed large objects
//!
//! The normal approximation fails for objects that are nearly always
//! recorded (`q > 1/2`, objects over ~363 KiB at Go's default period):
//! their noise is the rare object that went unrecorded, a whole object at
//! once. A 2 MiB object is missed 1.8% of the time, which a standard error
//! of a tenth of an object cannot express. So values also carry `miss`,
//! the expected number of such objects missed (`N * (1-q)` summed over
//! those samples, the number of misses being Poisson), and `unit`, the
//! largest value one missed object takes away (`s/q` bytes, `1/q`
//! objects). `check` asks how likely misses alone explain a growth.

use crate::aggregate::{self, NodeOptions};
use crate::profile::Profile;
use rustc_hash::FxHashMap;

/// How the variance of a sample's value is estimated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NoiseModel {
    /// Not sampled, or no way to tell: variance 0.
    None,
    /// A byte value; `objects` is the index of the matching object count.
    Bytes { period: f64, objects: Option<usize> },
    /// An object count; `bytes` is the index of the matching byte value.
    Objects { period: f64, bytes: usize },
}

fn is_bytes_unit(u: &str) -> bool {
    matches!(u.to_ascii_lowercase().as_str(), "bytes" | "byte" | "b")
}

impl NoiseModel {
    /// The model for sample type `idx` of `p`.
    pub fn for_profile(p: &Profile, idx: usize) -> NoiseModel {
        if p.period <= 0 {
            return NoiseModel::None;
        }
        let pu = p.str(p.period_type.unit);
        if !pu.is_empty() && !is_bytes_unit(pu) {
            return NoiseModel::None;
        }
        let period = p.period as f64;
        let name = p.sample_type_name(idx);
        let find = |want: &str| (0..p.sample_types.len()).find(|&i| p.sample_type_name(i) == want);
        if is_bytes_unit(p.sample_type_unit(idx)) {
            let objects = name
                .rfind("space")
                .and_then(|i| find(&format!("{}objects{}", &name[..i], &name[i + 5..])));
            NoiseModel::Bytes { period, objects }
        } else if let Some(bytes) = name
            .rfind("objects")
            .and_then(|i| find(&format!("{}space{}", &name[..i], &name[i + 7..])))
        {
            NoiseModel::Objects { period, bytes }
        } else {
            NoiseModel::None
        }
    }

    /// True when values carry sampling noise.
    pub fn is_sampled(&self) -> bool {
        !matches!(self, NoiseModel::None)
    }

    /// For a sample of objects recorded with probability over 1/2: the
    /// expected number of them missed and the value one miss takes away.
    #[inline]
    pub fn miss(&self, values: &[i64], idx: usize) -> Option<(f64, f64)> {
        let v = (values[idx] as f64).abs();
        if v == 0.0 {
            return None;
        }
        let (objs, bytes, period, is_bytes) = match *self {
            NoiseModel::None => return None,
            NoiseModel::Bytes { period, objects } => {
                (objects.map(|o| (values[o] as f64).abs())?, v, period, true)
            }
            NoiseModel::Objects { period, bytes } => {
                (v, (values[bytes] as f64).abs(), period, false)
            }
        };
        if objs <= 0.0 || bytes <= 0.0 {
            return None;
        }
        let s = bytes / objs;
        let miss = (-s / period).exp();
        if miss >= 0.5 {
            return None;
        }
        let q = 1.0 - miss;
        Some((objs * miss, if is_bytes { s / q } else { 1.0 / q }))
    }

    /// The variance of the value `values[idx]` of one sample.
    #[inline]
    pub fn variance(&self, values: &[i64], idx: usize) -> f64 {
        let v = (values[idx] as f64).abs();
        if v == 0.0 {
            return 0.0;
        }
        match *self {
            NoiseModel::None => 0.0,
            NoiseModel::Bytes { period, objects } => {
                let objs = objects.map(|o| (values[o] as f64).abs()).unwrap_or(0.0);
                if objs > 0.0 {
                    let x = (v / objs) / period;
                    v * period * x / x.exp_m1()
                } else {
                    v * period
                }
            }
            NoiseModel::Objects { period, bytes } => {
                let b = (values[bytes] as f64).abs();
                if b > 0.0 {
                    let x = (b / v) / period;
                    v / x.exp_m1()
                } else {
                    0.0
                }
            }
        }
    }
}

/// A value and the variance of its sampling error.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Measured {
    pub value: i64,
    pub var: f64,
    /// Expected number of nearly-always-recorded objects missed (see the
    /// module doc), and the largest value one such miss takes away.
    pub miss: f64,
    pub unit: f64,
}

impl Measured {
    /// The standard error.
    pub fn sigma(&self) -> f64 {
        self.var.max(0.0).sqrt()
    }
}

/// The nodes of one profile, reduced to what comparisons need.
#[derive(Clone, Debug, Default)]
pub struct NodeValues {
    /// Printable node names, sorted (a total order), unique.
    pub names: Vec<String>,
    pub flat: Vec<i64>,
    pub cum: Vec<i64>,
    pub flat_var: Vec<f64>,
    pub cum_var: Vec<f64>,
    /// (expected misses, value of one miss) of flat and cum (see
    /// [`Measured`]); may be empty (no misses).
    pub flat_miss: Vec<(f64, f64)>,
    pub cum_miss: Vec<(f64, f64)>,
    /// Σ value over all samples (signed), with its variance.
    pub total: Measured,
    pub sample_type: String,
    /// The sample type's unit, lower-cased as pprof does.
    pub sample_unit: String,
    /// Every sample type of the profile, as `type/unit`.
    pub sample_types: Vec<String>,
    /// `profile.time_nanos` (0: unknown).
    pub time_nanos: i64,
    pub sampled: bool,
}

impl NodeValues {
    /// The position of `name`, if the profile has that node.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }

    /// Flat (or cum) value and variance of node `i`.
    pub fn get(&self, i: usize, cum: bool) -> Measured {
        let (miss, unit) = match (cum, self.flat_miss.get(i), self.cum_miss.get(i)) {
            (false, Some(&m), _) | (true, _, Some(&m)) => m,
            _ => (0.0, 0.0),
        };
        if cum {
            Measured {
                value: self.cum[i],
                var: self.cum_var[i],
                miss,
                unit,
            }
        } else {
            Measured {
                value: self.flat[i],
                var: self.flat_var[i],
                miss,
                unit,
            }
        }
    }
}

/// Reduces profile `p` at sample index `idx` to its node values.
pub fn node_values(p: &Profile, idx: usize, opts: NodeOptions) -> NodeValues {
    let table = aggregate::node_table(p, opts);
    let (flat, cum) = aggregate::flat_cum(p, &table, idx);
    let model = NoiseModel::for_profile(p, idx);
    let n = table.len();
    // Variances: the same walk as build_graph (flat to the innermost frame
    // of the leaf location, cum once per node per sample), in f64.
    let mut flat_var = vec![0f64; n];
    let mut cum_var = vec![0f64; n];
    let mut flat_miss = vec![(0f64, 0f64); n];
    let mut cum_miss = vec![(0f64, 0f64); n];
    let add = |m: &mut (f64, f64), x: (f64, f64)| {
        m.0 += x.0;
        m.1 = m.1.max(x.1);
    };
    let mut total = Measured::default();
    let mut seen = vec![0u32; n];
    let mut stamp = 0u32;
    for s in p.samples.iter() {
        let w = s.values[idx];
        if w == 0 {
            continue;
        }
        total.value = total.value.wrapping_add(w);
        if !model.is_sampled() {
            continue;
        }
        let var = model.variance(s.values, idx);
        let miss = model.miss(s.values, idx);
        total.var += var;
        if let Some(x) = miss {
            total.miss += x.0;
            total.unit = total.unit.max(x.1);
        }
        if let Some(leaf) = s.locs.first() {
            let leaf = table.nodes_of(leaf.0 as usize)[0] as usize;
            flat_var[leaf] += var;
            if let Some(x) = miss {
                add(&mut flat_miss[leaf], x);
            }
        }
        stamp = stamp.wrapping_add(1);
        if stamp == 0 {
            seen.iter_mut().for_each(|x| *x = 0);
            stamp = 1;
        }
        for loc in s.locs {
            for &node in table.nodes_of(loc.0 as usize) {
                if seen[node as usize] != stamp {
                    seen[node as usize] = stamp;
                    cum_var[node as usize] += var;
                    if let Some(x) = miss {
                        add(&mut cum_miss[node as usize], x);
                    }
                }
            }
        }
    }
    // Group present nodes by printable name.
    let mut by_name: FxHashMap<String, usize> = FxHashMap::default();
    type Entry = (String, i64, i64, f64, f64, (f64, f64), (f64, f64));
    let mut entries: Vec<Entry> = Vec::new();
    for i in 0..n {
        if flat[i] == 0 && cum[i] == 0 {
            continue;
        }
        let name = table.infos[i].printable_name();
        let e = match by_name.get(&name) {
            Some(&j) => &mut entries[j],
            None => {
                by_name.insert(name.clone(), entries.len());
                entries.push((name, 0, 0, 0.0, 0.0, (0.0, 0.0), (0.0, 0.0)));
                entries.last_mut().expect("just pushed")
            }
        };
        e.1 = e.1.wrapping_add(flat[i]);
        e.2 = e.2.wrapping_add(cum[i]);
        e.3 += flat_var[i];
        e.4 += cum_var[i];
        add(&mut e.5, flat_miss[i]);
        add(&mut e.6, cum_miss[i]);
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = NodeValues {
        total,
        sample_type: p.sample_type_name(idx).to_string(),
        sample_unit: p.sample_type_unit(idx).to_lowercase(),
        sample_types: (0..p.sample_types.len())
            .map(|i| format!("{}/{}", p.sample_type_name(i), p.sample_type_unit(i)))
            .collect(),
        time_nanos: p.time_nanos,
        sampled: model.is_sampled(),
        ..Default::default()
    };
    for (name, f, c, fv, cv, fm, cm) in entries {
        out.names.push(name);
        out.flat.push(f);
        out.cum.push(c);
        out.flat_var.push(fv);
        out.cum_var.push(cv);
        out.flat_miss.push(fm);
        out.cum_miss.push(cm);
    }
    out
}

/// The value of the samples whose stack holds a node whose printable name
/// matches `re` (each sample counted once: the cum of that set of nodes,
/// as pprof's `-focus` keeps them), with its variance, and how many nodes
/// of the profile match.
pub fn matching_value(
    p: &Profile,
    idx: usize,
    opts: NodeOptions,
    re: &regex::Regex,
) -> (Measured, usize) {
    let table = aggregate::node_table(p, opts);
    let mask: Vec<bool> = table
        .infos
        .iter()
        .map(|i| re.is_match(&i.printable_name()))
        .collect();
    let model = NoiseModel::for_profile(p, idx);
    let mut m = Measured::default();
    for s in p.samples.iter() {
        let w = s.values[idx];
        if w == 0 {
            continue;
        }
        let hit = s.locs.iter().any(|l| {
            table
                .nodes_of(l.0 as usize)
                .iter()
                .any(|&n| mask[n as usize])
        });
        if hit {
            m.value = m.value.wrapping_add(w);
            m.var += model.variance(s.values, idx);
            if let Some(x) = model.miss(s.values, idx) {
                m.miss += x.0;
                m.unit = m.unit.max(x.1);
            }
        }
    }
    (m, mask.iter().filter(|&&b| b).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_objects_reach_the_v_times_p_bound() {
        let m = NoiseModel::Bytes {
            period: 524288.0,
            objects: Some(0),
        };
        // 1 KiB objects, one sample's worth: N = 1/q objects.
        let s = 1024.0f64;
        let q = 1.0 - (-s / 524288.0).exp();
        let objs = 1.0 / q;
        let v = objs * s;
        let var = m.variance(&[objs.round() as i64, v.round() as i64], 1);
        let bound = v * 524288.0;
        assert!(var <= bound && var > 0.99 * bound, "{var} vs {bound}");
        // Huge objects are always sampled.
        let var = m.variance(&[1, 64 << 20], 1);
        assert!(var < 1.0, "{var}");
    }

    #[test]
    fn unsampled_profiles_have_no_noise() {
        let m = NoiseModel::None;
        assert_eq!(m.variance(&[10, 100], 1), 0.0);
    }
}
