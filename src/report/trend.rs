//! `trend`: leak suspects across a series of snapshots of one process.
//!
//! Snapshots are added one at a time ([`TrendBuilder::add`] takes the
//! reduced [`NodeValues`] of a snapshot, so the caller can drop each
//! profile before reading the next): memory is one profile plus one
//! integer per node per snapshot.
//!
//! Per node: the series (0 where a snapshot lacks the node), the
//! least-squares slope per snapshot (and per second when every snapshot
//! has a distinct `time_nanos`), the monotonicity `m = (ups - downs) /
//! steps` in [-1, 1], the fit `r²` of the line, and the score `m * r²`:
//! 1 for a node that grows at every step along a straight line, near 0 for
//! churn, negative for a node that shrinks. Rows are ranked by kind
//! (growing, shrinking, flat, churn), growers by slope (the biggest leak
//! first), shrinkers by slope, churn by range, each then by name.

use super::nodes::NodeValues;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

/// Score from which a node counts as a steady grower (or, negated,
/// shrinker).
pub const STEADY_SCORE: f64 = 0.5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Grows,
    Shrinks,
    Flat,
    Churn,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Grows => "grows",
            Kind::Shrinks => "shrinks",
            Kind::Flat => "flat",
            Kind::Churn => "churn",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrendRow {
    pub name: String,
    pub values: Vec<i64>,
    /// Least-squares slope per snapshot.
    pub slope: f64,
    /// Least-squares slope per second, when the snapshots carry times.
    pub slope_per_sec: Option<f64>,
    pub monotonicity: f64,
    pub r2: f64,
    pub score: f64,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub struct TrendReport {
    pub sample_type: String,
    pub sample_unit: String,
    pub cum: bool,
    pub snapshots: usize,
    /// `time_nanos` of each snapshot (0 when unknown).
    pub times: Vec<i64>,
    /// Total of each snapshot.
    pub totals: Vec<i64>,
    pub rows: Vec<TrendRow>,
    /// Rows left out by `nodecount`.
    pub hidden: usize,
}

/// Collects snapshots one at a time.
#[derive(Debug, Default, Clone)]
pub struct TrendBuilder {
    cum: bool,
    index: FxHashMap<String, usize>,
    names: Vec<String>,
    series: Vec<Vec<i64>>,
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

    /// Adds the next snapshot.
    pub fn add(&mut self, nv: &NodeValues) {
        let k = self.times.len();
        if k == 0 {
            self.sample_type = nv.sample_type.clone();
            self.sample_unit = nv.sample_unit.clone();
        }
        for (i, name) in nv.names.iter().enumerate() {
            let v = if self.cum { nv.cum[i] } else { nv.flat[i] };
            if v == 0 {
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
            let s = &mut self.series[j];
            s.resize(k, 0);
            s.push(v);
        }
        self.times.push(nv.time_nanos);
        self.totals.push(nv.total.value);
    }

    pub fn finish(self, nodecount: usize) -> TrendReport {
        let n = self.times.len();
        let distinct_times = n > 1 && self.times.iter().all(|&t| t != 0) && {
            let mut t = self.times.clone();
            t.sort_unstable();
            t.windows(2).all(|w| w[0] != w[1])
        };
        let xs: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let ts: Option<Vec<f64>> = distinct_times.then(|| {
            let t0 = self.times[0];
            self.times
                .iter()
                .map(|&t| (t.wrapping_sub(t0)) as f64 / 1e9)
                .collect()
        });
        let mut rows: Vec<TrendRow> = self
            .names
            .into_iter()
            .zip(self.series)
            .map(|(name, mut values)| {
                values.resize(n, 0);
                row(name, values, &xs, ts.as_deref())
            })
            .collect();
        rows.sort_by(compare_rows);
        let mut hidden = 0;
        if nodecount > 0 && rows.len() > nodecount {
            hidden = rows.len() - nodecount;
            rows.truncate(nodecount);
        }
        TrendReport {
            sample_type: self.sample_type,
            sample_unit: self.sample_unit,
            cum: self.cum,
            snapshots: n,
            times: self.times,
            totals: self.totals,
            rows,
            hidden,
        }
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

fn row(name: String, values: Vec<i64>, xs: &[f64], ts: Option<&[f64]>) -> TrendRow {
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
    let kind = if up == 0 && down == 0 {
        Kind::Flat
    } else if score >= STEADY_SCORE && slope > 0.0 {
        Kind::Grows
    } else if score <= -STEADY_SCORE && slope < 0.0 {
        Kind::Shrinks
    } else {
        Kind::Churn
    };
    TrendRow {
        name,
        values,
        slope,
        slope_per_sec,
        monotonicity,
        r2,
        score,
        kind,
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
            Kind::Churn => range(&b.values).cmp(&range(&a.values)),
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
        let xs = [0.0, 1.0, 2.0, 3.0];
        assert_eq!(
            row("a".into(), vec![1, 2, 3, 4], &xs, None).kind,
            Kind::Grows
        );
        assert_eq!(
            row("a".into(), vec![4, 3, 2, 1], &xs, None).kind,
            Kind::Shrinks
        );
        assert_eq!(
            row("a".into(), vec![2, 2, 2, 2], &xs, None).kind,
            Kind::Flat
        );
        assert_eq!(
            row("a".into(), vec![1, 5, 1, 5], &xs, None).kind,
            Kind::Churn
        );
    }
}
