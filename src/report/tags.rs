//! `tags`: pprof's `printTags` model, the label histogram. For each label
//! key (string and numeric), the sample value summed per label value;
//! numeric values are printed in their unit (for Go heap profiles the
//! `bytes` label: the distribution of allocation sizes).

use super::traces::group_labels;
use crate::filter;
use crate::profile::Profile;
use crate::units;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagValue {
    pub name: String,
    pub value: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagKey {
    pub key: String,
    pub total: i64,
    pub values: Vec<TagValue>,
}

#[derive(Clone, Debug)]
pub struct TagsReport {
    pub sample_type: String,
    pub sample_unit: String,
    pub output_unit: String,
    /// The profile total (before filtering): the percentage denominator.
    pub total: i64,
    pub keys: Vec<TagKey>,
}

impl TagsReport {
    pub fn format_value(&self, v: i64) -> String {
        units::scaled_label(v, &self.sample_unit, &self.output_unit)
    }
}

/// pprof's `SortTags(_, flat=true)`: |value| desc, then name.
fn tag_order(a: (&str, i64), b: (&str, i64)) -> Ordering {
    b.1.wrapping_abs()
        .cmp(&a.1.wrapping_abs())
        .then_with(|| a.0.cmp(b.0))
        .then_with(|| b.1.cmp(&a.1))
}

pub fn tags(p: &Profile, sample_index: usize, unit: &str, total: i64) -> TagsReport {
    let sample_type = p.sample_type_name(sample_index).to_string();
    let sample_unit = p.sample_type_unit(sample_index).to_lowercase();
    let (num_units, _) = filter::num_label_units(p);
    let mut per_key: FxHashMap<String, (i64, FxHashMap<String, i64>)> = FxHashMap::default();
    for s in p.samples.iter() {
        let v = s.values[sample_index];
        let (strs, nums) = group_labels(p, s.labels);
        for (k, vals) in strs {
            let e = per_key.entry(p.str(k).to_string()).or_default();
            for val in vals {
                let x = e.1.entry(val.to_string()).or_default();
                *x = x.wrapping_add(v);
                e.0 = e.0.wrapping_add(v);
            }
        }
        for (k, vals) in nums {
            let u = num_units.get(&k).map_or("", String::as_str);
            let e = per_key.entry(p.str(k).to_string()).or_default();
            for val in vals {
                let x = e.1.entry(units::scaled_label(val, u, unit)).or_default();
                *x = x.wrapping_add(v);
                e.0 = e.0.wrapping_add(v);
            }
        }
    }
    let mut keys: Vec<TagKey> = per_key
        .into_iter()
        .map(|(key, (total, m))| {
            let mut values: Vec<TagValue> = m
                .into_iter()
                .map(|(name, value)| TagValue { name, value })
                .collect();
            values.sort_by(|a, b| tag_order((&a.name, a.value), (&b.name, b.value)));
            TagKey { key, total, values }
        })
        .collect();
    // pprof sorts the keys as tags with zero weight: by name.
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    TagsReport {
        sample_type,
        sample_unit,
        output_unit: unit.to_string(),
        total,
        keys,
    }
}
