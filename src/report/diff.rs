//! `diff`: two profiles compared node by node (matched by printable name),
//! flat values by default, cum on request. Rows hold raw integers in the
//! sample type's unit; renderers format them.

use super::nodes::{Measured, NodeValues};
use std::cmp::Ordering;

/// What changed about a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Only in the new profile.
    New,
    /// Only in the base profile.
    Gone,
    Changed,
    Same,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Gone => "gone",
            Status::Changed => "changed",
            Status::Same => "same",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DiffRow {
    pub name: String,
    pub base: i64,
    pub new: i64,
    pub delta: i64,
    /// Standard error of `delta` from sampling (0 when unsampled).
    pub sigma: f64,
    /// Expected missed large objects in BASE and NEW, and the largest
    /// value one miss takes away (see `nodes`).
    pub miss: (f64, f64),
    pub miss_unit: f64,
    pub status: Status,
}

impl DiffRow {
    /// `delta` in percent of `base` (None when base is 0).
    pub fn delta_percent(&self) -> Option<f64> {
        percent(self.delta, self.base)
    }
}

/// `delta` in percent of `base`, None when `base` is 0.
pub fn percent(delta: i64, base: i64) -> Option<f64> {
    if base == 0 {
        None
    } else {
        Some(delta as f64 / (base as f64).abs() * 100.0)
    }
}

#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Compare cum values instead of flat.
    pub cum: bool,
    /// Show at most this many rows (0: all).
    pub nodecount: usize,
}

#[derive(Clone, Debug)]
pub struct DiffReport {
    /// The profiles as named on the command line (set by the caller).
    pub base_name: String,
    pub new_name: String,
    pub sample_type: String,
    pub sample_unit: String,
    /// The unit values print in: "auto" (each value on its own, the
    /// default) or a unit; see [`DiffReport::set_output_unit`].
    pub output_unit: String,
    pub cum: bool,
    pub base_total: Measured,
    pub new_total: Measured,
    /// Rows shown, in order: |delta| descending, then name.
    pub rows: Vec<DiffRow>,
    /// Rows left out by `nodecount`.
    pub hidden: usize,
    /// Whether the values carry sampling noise.
    pub sampled: bool,
}

impl DiffReport {
    /// Sets the unit values print in, as `top`'s `--unit`: "minimum" is
    /// one unit for the report, chosen from the smallest nonzero value
    /// shown and the larger total; "auto" scales each value on its own.
    pub fn set_output_unit(&mut self, requested: &str) {
        let total = (self.base_total.value.wrapping_abs()).max(self.new_total.value.wrapping_abs());
        let values = self
            .rows
            .iter()
            .flat_map(|r| [(r.base, 0), (r.new, 0), (r.delta, 0)]);
        self.output_unit =
            crate::report::select_output_unit(&self.sample_unit, requested, total, values);
    }

    pub fn delta_total(&self) -> i64 {
        self.new_total.value.wrapping_sub(self.base_total.value)
    }

    pub fn delta_sigma(&self) -> f64 {
        (self.base_total.var + self.new_total.var).sqrt()
    }
}

/// The total order of diff rows: |delta| descending, then name.
pub fn compare_rows(a: &DiffRow, b: &DiffRow) -> Ordering {
    b.delta
        .unsigned_abs()
        .cmp(&a.delta.unsigned_abs())
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| b.delta.cmp(&a.delta))
}

/// Every node that holds a value in either profile, as a row (unsorted).
pub fn rows(base: &NodeValues, new: &NodeValues, cum: bool) -> Vec<DiffRow> {
    // Both name lists are sorted: merge them.
    let mut out = Vec::with_capacity(base.names.len().max(new.names.len()));
    let (mut i, mut j) = (0, 0);
    while i < base.names.len() || j < new.names.len() {
        let ord = match (base.names.get(i), new.names.get(j)) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        let (name, b, n) = match ord {
            Ordering::Less => {
                i += 1;
                (
                    &base.names[i - 1],
                    base.get(i - 1, cum),
                    Measured::default(),
                )
            }
            Ordering::Greater => {
                j += 1;
                (&new.names[j - 1], Measured::default(), new.get(j - 1, cum))
            }
            Ordering::Equal => {
                i += 1;
                j += 1;
                (
                    &base.names[i - 1],
                    base.get(i - 1, cum),
                    new.get(j - 1, cum),
                )
            }
        };
        if b.value == 0 && n.value == 0 {
            continue;
        }
        let status = if b.value == 0 {
            Status::New
        } else if n.value == 0 {
            Status::Gone
        } else if b.value == n.value {
            Status::Same
        } else {
            Status::Changed
        };
        out.push(DiffRow {
            name: name.clone(),
            base: b.value,
            new: n.value,
            delta: n.value.wrapping_sub(b.value),
            sigma: (b.var + n.var).sqrt(),
            miss: (b.miss, n.miss),
            miss_unit: b.unit.max(n.unit),
            status,
        });
    }
    out
}

/// Builds the diff report of `new` against `base`.
pub fn diff(base: &NodeValues, new: &NodeValues, o: &DiffOptions) -> DiffReport {
    let mut rows = rows(base, new, o.cum);
    rows.sort_by(compare_rows);
    let mut hidden = 0;
    if o.nodecount > 0 && rows.len() > o.nodecount {
        hidden = rows.len() - o.nodecount;
        rows.truncate(o.nodecount);
    }
    DiffReport {
        base_name: String::new(),
        new_name: String::new(),
        sample_type: new.sample_type.clone(),
        sample_unit: new.sample_unit.clone(),
        output_unit: "auto".into(),
        cum: o.cum,
        base_total: base.total,
        new_total: new.total,
        rows,
        hidden,
        sampled: base.sampled || new.sampled,
    }
}
