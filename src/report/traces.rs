//! `traces`: pprof's `printTraces` model. Every sample in profile order,
//! untrimmed (zero values included; samples without frames skipped), with
//! its labels and its stack leaf first, inlined frames marked.

use super::profile_labels;
use crate::aggregate::{self, NodeOptions};
use crate::filter;
use crate::profile::{Profile, StrIdx};
use crate::units;
use rustc_hash::FxHashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    pub name: String,
    pub inline: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLabel {
    pub key: String,
    /// The values, joined by a space (numbers auto-scaled in their unit).
    pub value: String,
    pub numeric: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// String labels first, then numeric ones, each group in pprof's order.
    pub labels: Vec<TraceLabel>,
    pub value: i64,
    /// Leaf first.
    pub frames: Vec<TraceFrame>,
}

#[derive(Clone, Debug)]
pub struct TracesReport {
    pub header: Vec<String>,
    pub sample_type: String,
    pub sample_unit: String,
    pub output_unit: String,
    pub total: i64,
    pub traces: Vec<Trace>,
}

impl TracesReport {
    pub fn format_value(&self, v: i64) -> String {
        units::scaled_label(v, &self.sample_unit, &self.output_unit)
    }
}

/// Groups a sample's labels by key, values in order of appearance:
/// (key, string values) and (key, numeric values).
pub(crate) type Grouped<'a> = (Vec<(StrIdx, Vec<&'a str>)>, Vec<(StrIdx, Vec<i64>)>);

pub(crate) fn group_labels<'a>(p: &'a Profile, labels: &[crate::profile::Label]) -> Grouped<'a> {
    let mut strs: Vec<(StrIdx, Vec<&str>)> = Vec::new();
    let mut nums: Vec<(StrIdx, Vec<i64>)> = Vec::new();
    for l in labels {
        if l.str.0 != 0 {
            match strs.iter_mut().find(|(k, _)| *k == l.key) {
                Some((_, v)) => v.push(p.str(l.str)),
                None => strs.push((l.key, vec![p.str(l.str)])),
            }
        } else {
            match nums.iter_mut().find(|(k, _)| *k == l.key) {
                Some((_, v)) => v.push(l.num),
                None => nums.push((l.key, vec![l.num])),
            }
        }
    }
    (strs, nums)
}

/// One sample's trace as [`each_trace`] lends it: borrowed names, buffers
/// reused from sample to sample, so that a streamed report holds one
/// sample at a time.
#[derive(Debug)]
pub struct TraceView<'a> {
    /// As [`Trace::labels`].
    pub labels: &'a [TraceLabel],
    pub value: i64,
    /// Leaf first: (name, inline).
    pub frames: &'a [(&'a str, bool)],
}

impl TraceView<'_> {
    /// An owned copy.
    pub fn to_trace(&self) -> Trace {
        Trace {
            labels: self.labels.to_vec(),
            value: self.value,
            frames: self
                .frames
                .iter()
                .map(|&(name, inline)| TraceFrame {
                    name: name.to_string(),
                    inline,
                })
                .collect(),
        }
    }
}

/// The traces report without its traces: what is printed before them.
/// `unit` is pprof's `-unit` ("minimum": each value scaled on its own, as
/// pprof does for traces).
pub fn traces_head(
    p: &Profile,
    sample_index: usize,
    unit: &str,
    total: i64,
    extra_labels: &[String],
) -> TracesReport {
    let sample_type = p.sample_type_name(sample_index).to_string();
    let sample_unit = p.sample_type_unit(sample_index).to_lowercase();
    let mut header = profile_labels(p, &sample_type, total, &sample_unit, unit);
    header.extend(extra_labels.iter().cloned());
    TracesReport {
        header,
        sample_type,
        sample_unit,
        output_unit: unit.to_string(),
        total,
        traces: Vec::new(),
    }
}

/// Calls `f` with each sample's trace in profile order (pprof's order),
/// samples without frames skipped; stops at `f`'s first error.
pub fn each_trace<E>(
    p: &Profile,
    sample_index: usize,
    nodes: NodeOptions,
    mut f: impl FnMut(&TraceView<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let (num_units, _) = filter::num_label_units(p);
    let table = aggregate::node_table(p, nodes);
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let mut frames: Vec<(&str, bool)> = Vec::new();
    let mut labels: Vec<TraceLabel> = Vec::new();
    let mut nl: Vec<TraceLabel> = Vec::new();
    // Numeric labels repeat (a heap profile's `bytes` label is one of a few
    // size classes): each (key, value) is formatted once, as long as the
    // cache stays small.
    let mut formatted: FxHashMap<(StrIdx, i64), String> = FxHashMap::default();
    for s in p.samples.iter() {
        frames.clear();
        for loc in s.locs {
            let ns = table.nodes_of(loc.0 as usize);
            for (i, &n) in ns.iter().enumerate() {
                frames.push((names[n as usize].as_str(), i != ns.len() - 1));
            }
        }
        if frames.is_empty() {
            continue;
        }
        labels.clear();
        if !s.labels.is_empty() {
            let (strs, nums) = group_labels(p, s.labels);
            labels.extend(strs.into_iter().map(|(k, v)| TraceLabel {
                key: p.str(k).to_string(),
                value: v.join(" "),
                numeric: false,
            }));
            nl.clear();
            if formatted.len() > 1 << 12 {
                formatted.clear();
            }
            nl.extend(nums.into_iter().map(|(k, v)| {
                let u = num_units.get(&k).map_or("", String::as_str);
                let mut value = String::new();
                for (i, &x) in v.iter().enumerate() {
                    if i > 0 {
                        value.push(' ');
                    }
                    let l = formatted
                        .entry((k, x))
                        .or_insert_with(|| units::label(x, u));
                    value.push_str(l);
                }
                TraceLabel {
                    key: p.str(k).to_string(),
                    value,
                    numeric: true,
                }
            }));
            // pprof sorts the printed lines ("%10s:  %s").
            let line = |l: &TraceLabel| format!("{:>10}:  {}", l.key, l.value);
            labels.sort_by_key(|l| line(l));
            nl.sort_by_key(|l| line(l));
            labels.append(&mut nl);
        }
        f(&TraceView {
            labels: &labels,
            value: s.values[sample_index],
            frames: &frames,
        })?;
    }
    Ok(())
}

/// Builds the whole traces report in memory (JSON, tests); `traces`
/// text streams instead ([`traces_head`], [`each_trace`]).
pub fn traces(
    p: &Profile,
    sample_index: usize,
    nodes: NodeOptions,
    unit: &str,
    total: i64,
    extra_labels: &[String],
) -> TracesReport {
    let mut r = traces_head(p, sample_index, unit, total, extra_labels);
    let _ = each_trace::<()>(p, sample_index, nodes, |t| {
        r.traces.push(t.to_trace());
        Ok(())
    });
    r
}
