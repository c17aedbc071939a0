//! `trend`: leak suspects across a series of snapshots of one process,
//! and the shape of every node's series.
//!
//! Snapshots are added one at a time ([`TrendBuilder::add`] takes the
//! reduced [`NodeValues`] of a snapshot, so the caller can drop each
//! profile before reading the next): memory is one profile plus one value
//! and one variance per node per snapshot.
//!
//! # Order
//!
//! When every snapshot records its time (`time_nanos`) the series is put in
//! time order (ties keep argument order), whatever order the files were
//! given in: the shell sorts `snap10` before `snap2`. [`TrendReport::order`]
//! says which order was used and whether it differs from the arguments.
//! `keep_order` keeps argument order.
//!
//! # Shape
//!
//! Each node's series is named by [`Kind`]. The judgement uses the same
//! sampling-noise model as `check` ([`super::nodes`]): two points of a
//! series differ only when they are more than [`TREND_SIGMAS`] standard
//! errors of their difference apart (plus 2% of the series' peak, so that
//! exact, unsampled series ignore crumbs). Walking the series, a *move* is
//! recorded each time a point differs in that sense from the last point
//! where a move was recorded (the anchor, at first the first point). The
//! moves give the kind:
//!
//! * no move: `flat`;
//! * one move, the points after it level (no two differ, and their slope
//!   under a third of the rise's): `step` when it
//!   is a jump from the point before it and the points before are level
//!   too; else (a change that became significant only over several
//!   snapshots) `plateau` when at least two snapshots follow, `grows`
//!   (`shrinks` downward) otherwise;
//! * only upward moves: `grows`, unless the series then stays flat for at
//!   least two snapshots, level, and for longer than 1.5 times the mean
//!   gap between the moves: `plateau` (a cache filling up);
//! * only downward moves: `shrinks`;
//! * at least three reversals of direction, with the peaks level with each
//!   other and the troughs level with each other (within the noise, or a
//!   quarter of the swing): `oscillates` (a sawtooth);
//! * otherwise: `grows`/`shrinks` when the whole series rises (falls) by
//!   more than the noise along a straight line (r² ≥ 0.6), else `churn`.
//!
//! Besides the kind, every row keeps the least-squares slope per snapshot
//! (and per second when every snapshot has a distinct time), the
//! monotonicity `m = (ups - downs) / steps`, the line's `r²` and the score
//! `m * r²`. Rows are ranked by kind (`grows` first, then `plateau`,
//! `step`, `oscillates`, `churn`, `shrinks`, `flat`), growers by slope (the
//! biggest leak first), the others by range, each then by name.
//!
//! # Projection
//!
//! With a limit, the total and every growing node are projected at their
//! least-squares slope per second from their last value: "reaches 2GiB in
//! about 3h10m". Without times there is no rate per second, and the
//! report says so.

use super::nodes::NodeValues;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

/// How many standard errors apart two points of a series must be to
/// differ (see the module doc).
pub const TREND_SIGMAS: f64 = 3.0;

/// The part of a series' peak below which exact values do not differ.
const CRUMB: f64 = 0.02;

/// Score of the old straight-line test, kept in the rows.
pub const STEADY_SCORE: f64 = 0.5;

/// The shape of a series, in ranking order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Steady growth across the series: the leak.
    Grows,
    /// Grew, then flat: a cache filling up.
    Plateau,
    /// One jump, flat on both sides: a one-time allocation.
    Step,
    /// Repeatedly up and down: a sawtooth.
    Oscillates,
    /// Changes beyond the noise, with no pattern.
    Churn,
    Shrinks,
    /// No change beyond the noise.
    Flat,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Grows => "grows",
            Kind::Plateau => "plateau",
            Kind::Step => "step",
            Kind::Oscillates => "oscillates",
            Kind::Churn => "churn",
            Kind::Shrinks => "shrinks",
            Kind::Flat => "flat",
        }
    }
}

/// When a value reaches the limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reach {
    /// Already at or over it.
    Already,
    /// In this many seconds at the fitted rate.
    In(f64),
    /// Not growing (slope per second ≤ 0).
    Never,
    /// The snapshots carry no distinct times: no rate per second.
    NoTimes,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrendRow {
    pub name: String,
    pub values: Vec<i64>,
    /// The standard error of each value (0 when unsampled).
    pub sigmas: Vec<f64>,
    /// Least-squares slope per snapshot.
    pub slope: f64,
    /// Least-squares slope per second, when the snapshots carry times.
    pub slope_per_sec: Option<f64>,
    pub monotonicity: f64,
    pub r2: f64,
    pub score: f64,
    pub kind: Kind,
    /// For growing rows, when they reach the limit (with a limit).
    pub reach: Option<Reach>,
}

/// The order the snapshots were taken in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// By `time_nanos`; `moved` when that differs from argument order.
    Time { moved: bool },
    /// Argument order, as asked (`--keep-order`).
    Kept,
    /// Argument order because `missing` snapshots record no time.
    NoTimes { missing: usize },
}

#[derive(Clone, Debug)]
pub struct TrendReport {
    pub sample_type: String,
    pub sample_unit: String,
    /// The unit values print in: "auto" (each value on its own, the
    /// default) or a unit; see [`TrendReport::set_output_unit`].
    pub output_unit: String,
    pub cum: bool,
    pub snapshots: usize,
    /// The snapshots' labels (file names), in series order.
    pub labels: Vec<String>,
    pub order: Order,
    /// `time_nanos` of each snapshot (0 when unknown), in series order.
    pub times: Vec<i64>,
    /// Total of each snapshot.
    pub totals: Vec<i64>,
    /// The total's slope per second, when the snapshots carry times.
    pub total_slope_per_sec: Option<f64>,
    /// The limit and when the total reaches it.
    pub limit: Option<(i64, Reach)>,
    pub rows: Vec<TrendRow>,
    /// Rows left out by `nodecount`.
    pub hidden: usize,
}

impl TrendReport {
    /// Sets the unit values print in, as `top`'s `--unit`: "minimum" is
    /// one unit for the report, chosen from the smallest nonzero first or
    /// last value shown and the largest total; "auto" scales each value on
    /// its own.
    pub fn set_output_unit(&mut self, requested: &str) {
        let total = self
            .totals
            .iter()
            .map(|t| t.wrapping_abs())
            .max()
            .unwrap_or(0);
        let values = self.rows.iter().flat_map(|r| {
            let first = *r.values.first().unwrap_or(&0);
            let last = *r.values.last().unwrap_or(&0);
            [(first, 0), (last, 0)]
        });
        self.output_unit =
            crate::report::select_output_unit(&self.sample_unit, requested, total, values);
    }
}

/// How to finish a trend.
#[derive(Clone, Copy, Debug, Default)]
pub struct TrendOptions {
    /// Show at most this many rows (0: all).
    pub nodecount: usize,
    /// Keep argument order even when the snapshots record times.
    pub keep_order: bool,
    /// Project when the total and each growing node reach this value.
    pub limit: Option<i64>,
}

/// Collects snapshots one at a time.
#[derive(Debug, Default, Clone)]
pub struct TrendBuilder {
    cum: bool,
    index: FxHashMap<String, usize>,
    names: Vec<String>,
    /// Per node: (snapshot, value, variance) of the snapshots holding it.
    series: Vec<Vec<(u32, i64, f64)>>,
    labels: Vec<String>,
    times: Vec<i64>,
    totals: Vec<i64>,
    sample_type: String,
    sample_unit: String,
}

impl TrendBuilder {
    pub fn new(cum: bool) -> Self {
        TrendBuilder {
            cum,
            ..Default::default()
        }
    }

    /// Number of snapshots added.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// True before the first snapshot.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Adds the next snapshot (in argument order), named `label`.
    pub fn add(&mut self, nv: &NodeValues, label: &str) {
        let k = self.times.len() as u32;
        if k == 0 {
            self.sample_type = nv.sample_type.clone();
            self.sample_unit = nv.sample_unit.clone();
        }
        for (i, name) in nv.names.iter().enumerate() {
            let m = nv.get(i, self.cum);
            if m.value == 0 {
                continue;
            }
            let j = match self.index.get(name) {
                Some(&j) => j,
                None => {
                    self.index.insert(name.clone(), self.names.len());
                    self.names.push(name.clone());
                    self.series.push(Vec::new());
                    self.names.len() - 1
                }
            };
            self.series[j].push((k, m.value, m.var));
        }
        self.labels.push(label.to_string());
        self.times.push(nv.time_nanos);
        self.totals.push(nv.total.value);
    }

    pub fn finish(self, opts: &TrendOptions) -> TrendReport {
        let n = self.times.len();
        // The series order: a permutation of argument order.
        let missing = self.times.iter().filter(|&&t| t == 0).count();
        let mut perm: Vec<usize> = (0..n).collect();
        let order = if opts.keep_order {
            Order::Kept
        } else if missing > 0 {
            Order::NoTimes { missing }
        } else {
            perm.sort_by_key(|&i| (self.times[i], i));
            Order::Time {
                moved: perm.iter().enumerate().any(|(a, &b)| a != b),
            }
        };
        // pos[argument index] = series index.
        let mut pos = vec![0usize; n];
        for (s, &a) in perm.iter().enumerate() {
            pos[a] = s;
        }
        let times: Vec<i64> = perm.iter().map(|&i| self.times[i]).collect();
        let totals: Vec<i64> = perm.iter().map(|&i| self.totals[i]).collect();
        let labels: Vec<String> = perm.iter().map(|&i| self.labels[i].clone()).collect();
        let distinct_times = n > 1 && missing == 0 && times.windows(2).all(|w| w[0] != w[1]) && {
            let mut t = times.clone();
            t.sort_unstable();
            t.windows(2).all(|w| w[0] != w[1])
        };
        let xs: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let ts: Option<Vec<f64>> = distinct_times.then(|| {
            let t0 = times[0];
            times
                .iter()
                .map(|&t| (t.wrapping_sub(t0)) as f64 / 1e9)
                .collect()
        });
        let mut rows: Vec<TrendRow> = self
            .names
            .into_iter()
            .zip(self.series)
            .map(|(name, points)| {
                let mut values = vec![0i64; n];
                let mut vars = vec![0f64; n];
                for (k, v, var) in points {
                    values[pos[k as usize]] = v;
                    vars[pos[k as usize]] = var;
                }
                let mut r = row(name, values, &vars, &xs, ts.as_deref());
                if let (Some(limit), Kind::Grows) = (opts.limit, r.kind) {
                    r.reach = Some(reach(
                        *r.values.last().unwrap_or(&0),
                        r.slope_per_sec,
                        limit,
                    ));
                }
                r
            })
            .collect();
        rows.sort_by(compare_rows);
        let mut hidden = 0;
        if opts.nodecount > 0 && rows.len() > opts.nodecount {
            hidden = rows.len() - opts.nodecount;
            rows.truncate(opts.nodecount);
        }
        let total_slope_per_sec = ts.as_deref().map(|t| {
            let ys: Vec<f64> = totals.iter().map(|&v| v as f64).collect();
            fit(t, &ys).0
        });
        let limit = opts.limit.map(|l| {
            (
                l,
                reach(*totals.last().unwrap_or(&0), total_slope_per_sec, l),
            )
        });
        TrendReport {
            sample_type: self.sample_type,
            sample_unit: self.sample_unit,
            output_unit: "auto".into(),
            cum: self.cum,
            snapshots: n,
            labels,
            order,
            times,
            totals,
            total_slope_per_sec,
            limit,
            rows,
            hidden,
        }
    }
}

/// When `last`, growing at `per_sec`, reaches `limit`.
pub fn reach(last: i64, per_sec: Option<f64>, limit: i64) -> Reach {
    if last >= limit {
        return Reach::Already;
    }
    match per_sec {
        None => Reach::NoTimes,
        Some(s) if s > 0.0 && s.is_finite() => Reach::In((limit - last) as f64 / s),
        Some(_) => Reach::Never,
    }
}

/// A duration in words, to two units: `3h10m`, `45s`, `2d4h`.
pub fn human_duration(secs: f64) -> String {
    if !secs.is_finite() || secs > 3.15e9 {
        return "over a century".into();
    }
    let s = secs.max(0.0).round() as u64;
    let (d, h, m, sec) = (s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        if h > 0 {
            format!("{d}d{h}h")
        } else {
            format!("{d}d")
        }
    } else if h > 0 {
        if m > 0 {
            format!("{h}h{m}m")
        } else {
            format!("{h}h")
        }
    } else if m > 0 {
        if sec > 0 {
            format!("{m}m{sec}s")
        } else {
            format!("{m}m")
        }
    } else if s > 0 {
        format!("{s}s")
    } else {
        format!("{:.0}ms", secs.max(0.0) * 1000.0)
    }
}

/// Least-squares slope and r² of `ys` over `xs`.
pub fn fit(xs: &[f64], ys: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    if xs.len() < 2 {
        return (0.0, 0.0);
    }
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx == 0.0 {
        return (0.0, 0.0);
    }
    let slope = sxy / sxx;
    let r2 = if syy == 0.0 {
        0.0
    } else {
        (sxy * sxy / (sxx * syy)).clamp(0.0, 1.0)
    };
    (slope, r2)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dir {
    Up,
    Down,
}

/// The kind of a series with variances `vars` (see the module doc).
pub fn classify(values: &[i64], vars: &[f64]) -> Kind {
    let n = values.len();
    if n < 2 {
        return Kind::Flat;
    }
    let v: Vec<f64> = values.iter().map(|&x| x as f64).collect();
    let peak = v.iter().fold(0f64, |m, x| m.max(x.abs()));
    let tol = |i: usize, j: usize| {
        TREND_SIGMAS * (vars[i].max(0.0) + vars[j].max(0.0)).sqrt() + CRUMB * peak
    };
    // The moves: (direction, index).
    let mut moves: Vec<(Dir, usize)> = Vec::new();
    let mut a = 0;
    for k in 1..n {
        if v[k] - v[a] > tol(a, k) {
            moves.push((Dir::Up, k));
            a = k;
        } else if v[a] - v[k] > tol(a, k) {
            moves.push((Dir::Down, k));
            a = k;
        }
    }
    let Some(&(last_dir, last_idx)) = moves.last() else {
        return Kind::Flat;
    };
    // Whether the points of `r` are level: no two differ.
    let level = |r: std::ops::Range<usize>| {
        r.clone()
            .all(|i| r.clone().all(|j| (v[i] - v[j]).abs() <= tol(i, j)))
    };
    // The points after the last move are level, and their own slope is
    // under a third of the rise's (noise bounds for snapshots of one
    // process are loose: a slow leak can look level over a few points).
    let tail_level = level(last_idx..n) && {
        let k = last_idx;
        let rise = (v[k] - v[0]) / k as f64;
        let xs: Vec<f64> = (k..n).map(|i| i as f64).collect();
        let (tail_slope, _) = fit(&xs, &v[k..]);
        tail_slope.abs() <= rise.abs() / 3.0
    };
    if moves.len() == 1 && tail_level {
        // One jump from the point before (level on both sides), or a
        // gradual change that became significant only over several
        // snapshots.
        let k = last_idx;
        if (v[k] - v[k - 1]).abs() > tol(k - 1, k) && level(0..k) {
            return Kind::Step;
        }
        match last_dir {
            Dir::Down => return Kind::Shrinks,
            Dir::Up if n - 1 - k >= 2 => return Kind::Plateau,
            Dir::Up if level(0..k) => return Kind::Grows,
            Dir::Up => {}
        }
    }
    // Runs of moves in one direction: (direction, index of the run's end).
    let mut runs: Vec<(Dir, usize)> = Vec::new();
    for &(d, k) in &moves {
        match runs.last_mut() {
            Some(r) if r.0 == d => r.1 = k,
            _ => runs.push((d, k)),
        }
    }
    if runs.len() == 1 && moves.len() > 1 {
        if last_dir == Dir::Down {
            return Kind::Shrinks;
        }
        let tail = n - 1 - last_idx;
        let gap = last_idx as f64 / moves.len() as f64;
        return if tail >= 2 && tail as f64 > 1.5 * gap && tail_level {
            Kind::Plateau
        } else {
            Kind::Grows
        };
    }
    if runs.len() >= 4 {
        // Peaks end upward runs, troughs downward ones; the first point
        // is the other extreme of the first run.
        let mut peaks: Vec<usize> = Vec::new();
        let mut troughs: Vec<usize> = Vec::new();
        match runs[0].0 {
            Dir::Up => troughs.push(0),
            Dir::Down => peaks.push(0),
        }
        for &(d, k) in &runs {
            match d {
                Dir::Up => peaks.push(k),
                Dir::Down => troughs.push(k),
            }
        }
        let mean = |ix: &[usize]| ix.iter().map(|&i| v[i]).sum::<f64>() / ix.len() as f64;
        let swing = mean(&peaks) - mean(&troughs);
        let same = |ix: &[usize]| {
            ix.iter().all(|&i| {
                ix.iter()
                    .all(|&j| (v[i] - v[j]).abs() <= tol(i, j).max(0.25 * swing))
            })
        };
        if swing > 0.0 && same(&peaks) && same(&troughs) {
            return Kind::Oscillates;
        }
    }
    let xs: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let (slope, r2) = fit(&xs, &v);
    let rise = slope * (n - 1) as f64;
    if r2 >= 0.6 && rise.abs() > tol(0, n - 1) {
        if rise > 0.0 {
            Kind::Grows
        } else {
            Kind::Shrinks
        }
    } else {
        Kind::Churn
    }
}

fn row(name: String, values: Vec<i64>, vars: &[f64], xs: &[f64], ts: Option<&[f64]>) -> TrendRow {
    let ys: Vec<f64> = values.iter().map(|&v| v as f64).collect();
    let (slope, r2) = fit(xs, &ys);
    let slope_per_sec = ts.map(|t| fit(t, &ys).0);
    let steps = values.len().saturating_sub(1);
    let (mut up, mut down) = (0usize, 0usize);
    for w in values.windows(2) {
        match w[1].cmp(&w[0]) {
            Ordering::Greater => up += 1,
            Ordering::Less => down += 1,
            Ordering::Equal => {}
        }
    }
    let monotonicity = if steps == 0 {
        0.0
    } else {
        (up as f64 - down as f64) / steps as f64
    };
    let score = monotonicity * r2;
    let kind = classify(&values, vars);
    TrendRow {
        name,
        sigmas: vars.iter().map(|v| v.max(0.0).sqrt()).collect(),
        values,
        slope,
        slope_per_sec,
        monotonicity,
        r2,
        score,
        kind,
        reach: None,
    }
}

fn range(v: &[i64]) -> i64 {
    let min = v.iter().copied().min().unwrap_or(0);
    let max = v.iter().copied().max().unwrap_or(0);
    max.wrapping_sub(min)
}

/// The ranking: a total order (f64 compared with `total_cmp`, ties by
/// name).
pub fn compare_rows(a: &TrendRow, b: &TrendRow) -> Ordering {
    a.kind
        .cmp(&b.kind)
        .then_with(|| match a.kind {
            Kind::Grows => b.slope.total_cmp(&a.slope),
            Kind::Shrinks => a.slope.total_cmp(&b.slope),
            Kind::Flat => b.values.last().cmp(&a.values.last()),
            _ => range(&b.values).cmp(&range(&a.values)),
        })
        .then_with(|| b.score.total_cmp(&a.score))
        .then_with(|| a.name.cmp(&b.name))
}

/// A terminal sparkline of `values`, one block per value, scaled between
/// the series' minimum and maximum (at most `width` blocks: longer series
/// are shown by the maximum of each bucket).
pub fn sparkline(values: &[i64], width: usize) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if values.is_empty() || width == 0 {
        return String::new();
    }
    let pts: Vec<i64> = if values.len() <= width {
        values.to_vec()
    } else {
        (0..width)
            .map(|b| {
                let s = b * values.len() / width;
                let e = ((b + 1) * values.len() / width).max(s + 1);
                values[s..e].iter().copied().max().unwrap_or(0)
            })
            .collect()
    };
    let min = pts.iter().copied().min().unwrap_or(0) as f64;
    let max = pts.iter().copied().max().unwrap_or(0) as f64;
    pts.iter()
        .map(|&v| {
            if max == min {
                BLOCKS[0]
            } else {
                let f = (v as f64 - min) / (max - min);
                BLOCKS[((f * 7.0).round() as usize).min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_sparkline() {
        let (s, r2) = fit(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0]);
        assert!((s - 2.0).abs() < 1e-9 && (r2 - 1.0).abs() < 1e-9);
        assert_eq!(sparkline(&[0, 7, 14], 10), "▁▅█");
        assert_eq!(sparkline(&[5, 5], 10), "▁▁");
        assert_eq!(sparkline(&[1, 2, 3, 4], 2).chars().count(), 2);
    }

    #[test]
    fn kinds() {
        let k = |v: &[i64]| classify(v, &vec![0.0; v.len()]);
        assert_eq!(k(&[1, 2, 3, 4, 5, 6]), Kind::Grows);
        assert_eq!(k(&[6, 5, 4, 3, 2, 1]), Kind::Shrinks);
        assert_eq!(k(&[2, 2, 2, 2]), Kind::Flat);
        assert_eq!(k(&[0, 4, 8, 8, 8, 8, 8, 8]), Kind::Plateau);
        assert_eq!(k(&[0, 0, 0, 9, 9, 9]), Kind::Step);
        assert_eq!(k(&[9, 0, 9, 0, 9, 0, 9, 0]), Kind::Oscillates);
        assert_eq!(k(&[1, 5, 2, 9, 0, 6, 3, 4]), Kind::Churn);
    }

    #[test]
    fn noise_hides_small_moves() {
        // ±3 units of noise (σ = 1 per point): a wobble of 2 is flat.
        let vars = [1.0; 6];
        assert_eq!(classify(&[10, 12, 10, 12, 10, 12], &vars), Kind::Flat);
        // Without the noise, the same wobble is a sawtooth.
        assert_eq!(
            classify(&[10, 12, 10, 12, 10, 12], &[0.0; 6]),
            Kind::Oscillates
        );
    }

    #[test]
    fn order_and_projection() {
        let nv = |t: i64, v: i64| NodeValues {
            names: vec!["a".into()],
            flat: vec![v],
            cum: vec![v],
            flat_var: vec![0.0],
            cum_var: vec![0.0],
            total: super::super::nodes::Measured {
                value: v,
                ..Default::default()
            },
            time_nanos: t,
            ..Default::default()
        };
        let build = |order: &[usize], keep: bool| {
            let mut b = TrendBuilder::new(false);
            for &i in order {
                b.add(
                    &nv(i as i64 * 1_000_000_000 + 1, 100 * (i as i64 + 1)),
                    &format!("s{i}"),
                );
            }
            b.finish(&TrendOptions {
                keep_order: keep,
                limit: Some(1000),
                ..Default::default()
            })
        };
        let r = build(&[0, 2, 1, 3], false);
        assert_eq!(r.order, Order::Time { moved: true });
        assert_eq!(r.rows[0].values, vec![100, 200, 300, 400]);
        assert_eq!(r.rows[0].kind, Kind::Grows);
        assert_eq!(r.labels, vec!["s0", "s1", "s2", "s3"]);
        // 400 -> 1000 at 100/s: 6 s.
        match r.limit {
            Some((1000, Reach::In(s))) => assert!((s - 6.0).abs() < 1e-6, "{s}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(r.rows[0].reach, r.limit.map(|l| l.1));
        let k = build(&[0, 2, 1, 3], true);
        assert_eq!(k.order, Order::Kept);
        assert_eq!(k.rows[0].values, vec![100, 300, 200, 400]);
        assert_eq!(
            build(&[0, 1, 2, 3], false).order,
            Order::Time { moved: false }
        );
        assert_eq!(human_duration(3.0 * 3600.0 + 600.0), "3h10m");
        assert_eq!(human_duration(59.0), "59s");
        assert_eq!(reach(5, Some(-1.0), 10), Reach::Never);
        assert_eq!(reach(5, None, 10), Reach::NoTimes);
        assert_eq!(reach(15, None, 10), Reach::Already);
    }
}
