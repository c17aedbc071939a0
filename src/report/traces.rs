//! `traces`: pprof's `printTraces` model. Every sample in profile order,
//! untrimmed (zero values included; samples without frames skipped), with
//! its labels and its stack leaf first, inlined frames marked.

use super::profile_labels;
use crate::aggregate::{self, NodeOptions};
use crate::filter;
use crate::profile::{Profile, StrIdx};
use crate::units;

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

/// Builds the traces report. `unit` is pprof's `-unit` ("minimum": each
/// value scaled on its own, as pprof does for traces).
pub fn traces(
    p: &Profile,
    sample_index: usize,
    nodes: NodeOptions,
    unit: &str,
    total: i64,
    extra_labels: &[String],
) -> TracesReport {
    let sample_type = p.sample_type_name(sample_index).to_string();
    let sample_unit = p.sample_type_unit(sample_index).to_lowercase();
    let (num_units, _) = filter::num_label_units(p);
    let table = aggregate::node_table(p, nodes);
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let mut traces = Vec::new();
    for s in p.samples.iter() {
        let mut frames = Vec::new();
        for loc in s.locs {
            let ns = table.nodes_of(loc.0 as usize);
            for (i, &n) in ns.iter().enumerate() {
                frames.push(TraceFrame {
                    name: names[n as usize].clone(),
                    inline: i != ns.len() - 1,
                });
            }
        }
        if frames.is_empty() {
            continue;
        }
        let (strs, nums) = group_labels(p, s.labels);
        let mut sl: Vec<TraceLabel> = strs
            .into_iter()
            .map(|(k, v)| TraceLabel {
                key: p.str(k).to_string(),
                value: v.join(" "),
                numeric: false,
            })
            .collect();
        let mut nl: Vec<TraceLabel> = nums
            .into_iter()
            .map(|(k, v)| {
                let u = num_units.get(&k).map_or("", String::as_str);
                TraceLabel {
                    key: p.str(k).to_string(),
                    value: v
                        .iter()
                        .map(|&x| units::label(x, u))
                        .collect::<Vec<_>>()
                        .join(" "),
                    numeric: true,
                }
            })
            .collect();
        // pprof sorts the printed lines ("%10s:  %s").
        let line = |l: &TraceLabel| format!("{:>10}:  {}", l.key, l.value);
        sl.sort_by_key(|l| line(l));
        nl.sort_by_key(|l| line(l));
        sl.extend(nl);
        traces.push(Trace {
            labels: sl,
            value: s.values[sample_index],
            frames,
        });
    }
    let mut header = profile_labels(p, &sample_type, total, &sample_unit, unit);
    header.extend(extra_labels.iter().cloned());
    TracesReport {
        header,
        sample_type,
        sample_unit,
        output_unit: unit.to_string(),
        total,
        traces,
    }
}
