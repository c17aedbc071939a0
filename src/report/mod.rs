//! Report models: sorted rows of raw numbers plus the header lines, built
//! once and handed to every renderer (text, JSON, ...). Nothing here
//! formats a table; `render` does.
//!
//! `top` follows pprof's `newTrimmedGraph` + `TextItems`: build the graph,
//! drop nodes whose |cum| is below `nodefraction` of the total, sort, keep
//! the first `nodecount`, rebuild the edges that join the kept nodes, drop
//! edges below `edgefraction`, and label rows `(inline)` /
//! `(partial-inline)` from the remaining incoming edges.

pub mod callgrind;
pub mod check;
pub mod diff;
pub mod folded;
pub mod info;
pub mod list;
pub mod nodes;
pub mod raw;
pub mod tags;
pub mod topproto;
pub mod traces;
pub mod tree;
pub mod trend;

use crate::aggregate::{self, NodeOptions, NodeTable};
use crate::profile::Profile;
use crate::units;
use serde::Serialize;
use std::borrow::Cow;
use std::cmp::Ordering;

/// A sample type and its unit, as every command's JSON holds it (the
/// envelope's `sample_type`, and `info`'s model):
/// `{"type": "inuse_space", "unit": "bytes"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonSampleType<'a> {
    pub r#type: Cow<'a, str>,
    pub unit: Cow<'a, str>,
}

impl<'a> JsonSampleType<'a> {
    /// Borrows the two names.
    pub fn new(r#type: &'a str, unit: &'a str) -> Self {
        JsonSampleType {
            r#type: Cow::Borrowed(r#type),
            unit: Cow::Borrowed(unit),
        }
    }
}

/// Options of `top` (and of `tree`, [`tree::TreeOptions`]), with pprof's
/// defaults.
#[derive(Clone, Debug)]
pub struct TopOptions {
    pub sample_index: usize,
    pub nodes: NodeOptions,
    /// Sort by cum instead of flat.
    pub cum: bool,
    /// Show at most this many rows; 0 = no limit.
    pub nodecount: usize,
    pub nodefraction: f64,
    pub edgefraction: f64,
    /// pprof's `-unit`: "minimum" (one unit for the whole report), "auto"
    /// (each value scaled on its own), or a unit name.
    pub unit: String,
}

impl Default for TopOptions {
    fn default() -> Self {
        TopOptions {
            sample_index: 0,
            nodes: NodeOptions::default(),
            cum: false,
            nodecount: 0,
            nodefraction: 0.005,
            edgefraction: 0.001,
            unit: "minimum".into(),
        }
    }
}

impl TopOptions {
    /// pprof's `-trim=false`: no node limit and no fractions.
    pub fn no_trim(&mut self) {
        self.nodecount = 0;
        self.nodefraction = 0.0;
        self.edgefraction = 0.0;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlineLabel {
    None,
    Inline,
    PartialInline,
}

impl InlineLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            InlineLabel::None => "",
            InlineLabel::Inline => "(inline)",
            InlineLabel::PartialInline => "(partial-inline)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopRow {
    pub name: String,
    pub inline: InlineLabel,
    pub flat: i64,
    pub cum: i64,
}

/// The `top` report: pprof's `TextItems` plus the header.
#[derive(Clone, Debug)]
pub struct TopReport {
    /// The profile header lines (File, Build ID, comments, Type, Time, ...).
    pub profile_labels: Vec<String>,
    pub sample_type: String,
    /// The sample type's unit, lower-cased as pprof does.
    pub sample_unit: String,
    /// The unit every value is printed in ("minimum" resolved), or "auto".
    pub output_unit: String,
    /// Σ|value| over all samples: the percentage denominator.
    pub total: i64,
    /// Σ flat over the rows shown.
    pub shown_total: i64,
    pub nodefraction: f64,
    pub dropped_nodes: usize,
    /// Nodes left after the nodefraction cut, before `nodecount`.
    pub orig_count: usize,
    pub rows: Vec<TopRow>,
    /// pprof's `-divide_by` as a factor: values are printed as
    /// `trunc(v * ratio)` (1 otherwise). Percentages use the raw values.
    pub ratio: f64,
}

impl TopReport {
    /// A value as pprof prints it in this report.
    pub fn format_value(&self, v: i64) -> String {
        let v = if self.ratio > 0.0 && self.ratio != 1.0 {
            (v as f64 * self.ratio) as i64
        } else {
            v
        };
        units::scaled_label(v, &self.sample_unit, &self.output_unit)
    }

    /// The lines above the table, as pprof prints them.
    pub fn header_lines(&self) -> Vec<String> {
        let mut out = self.profile_labels.clone();
        let shown = Trimmed {
            shown_total: self.shown_total,
            dropped_nodes: self.dropped_nodes,
            dropped_edges: 0,
            shown_nodes: self.rows.len(),
            orig_count: self.orig_count,
        };
        let fractions = (self.nodefraction, 0.0);
        out.extend(shown.labels(self.total, fractions, &|v| self.format_value(v)));
        out
    }
}

/// What a trimmed graph shows of a profile: the numbers of pprof's
/// `reportLabels` lines after the profile labels.
pub struct Trimmed {
    /// Σ flat of the nodes shown.
    pub shown_total: i64,
    /// Nodes and edges dropped by nodefraction and edgefraction.
    pub dropped_nodes: usize,
    pub dropped_edges: usize,
    /// Nodes shown, and nodes left after the fraction cut-off (before
    /// nodecount).
    pub shown_nodes: usize,
    pub orig_count: usize,
}

impl Trimmed {
    /// The lines `Showing nodes accounting for ...`, `Dropped N nodes (cum
    /// <= ...)`, `Dropped N edges (freq <= ...)` and `Showing top N nodes
    /// out of M`, as pprof's `reportLabels` words them for top, tree and
    /// the call graph. `fractions` are nodefraction and edgefraction.
    pub fn labels(
        &self,
        total: i64,
        (nodefraction, edgefraction): (f64, f64),
        format_value: &dyn Fn(i64) -> String,
    ) -> Vec<String> {
        let mut out = vec![format!(
            "Showing nodes accounting for {}, {} of {} total",
            format_value(self.shown_total),
            units::percentage(self.shown_total, total).trim(),
            format_value(total)
        )];
        if total == 0 {
            return out;
        }
        let cutoff =
            |fraction: f64| format_value(((total as f64 * fraction) as i64).wrapping_abs());
        let plural = |n: usize| if n > 1 { "s" } else { "" };
        if self.dropped_nodes > 0 {
            out.push(format!(
                "Dropped {} node{} (cum <= {})",
                self.dropped_nodes,
                plural(self.dropped_nodes),
                cutoff(nodefraction)
            ));
        }
        if self.dropped_edges > 0 {
            out.push(format!(
                "Dropped {} edge{} (freq <= {})",
                self.dropped_edges,
                plural(self.dropped_edges),
                cutoff(edgefraction)
            ));
        }
        if self.shown_nodes > 0 && self.shown_nodes < self.orig_count {
            out.push(format!(
                "Showing top {} nodes out of {}",
                self.shown_nodes, self.orig_count
            ));
        }
        out
    }
}

/// True for samples of a `-diff_base` base profile.
fn is_diff_base(p: &Profile, labels: &[crate::profile::Label]) -> bool {
    labels
        .iter()
        .any(|l| p.str(l.key) == "pprof::base" && l.str.0 != 0 && p.str(l.str) == "true")
}

/// pprof's `computeTotal`: Σ|v| over all samples, or over the diff-base
/// samples only when there are any.
pub fn compute_total(p: &Profile, idx: usize) -> i64 {
    let mut total = 0i64;
    let mut diff_total = 0i64;
    let has_base_label = p.strings.iter().any(|s| &**s == "pprof::base");
    for s in p.samples.iter() {
        let v = s.values[idx].wrapping_abs();
        total = total.wrapping_add(v);
        if has_base_label && is_diff_base(p, s.labels) {
            diff_total = diff_total.wrapping_add(v);
        }
    }
    if diff_total > 0 { diff_total } else { total }
}

/// The header lines pprof prints from the profile itself
/// (`ProfileLabels`).
pub fn profile_labels(
    p: &Profile,
    sample_type: &str,
    total: i64,
    sample_unit: &str,
    output_unit: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = p.mappings.first() {
        let file = p.str(m.filename);
        if !file.is_empty() {
            out.push(format!("File: {}", aggregate::go_base(file)));
        }
        let bid = p.str(m.build_id);
        if !bid.is_empty() {
            out.push(format!("Build ID: {bid}"));
        }
    }
    for &c in &p.comments {
        let c = p.str(c);
        if !c.starts_with('#') {
            out.push(c.to_string());
        }
    }
    if !sample_type.is_empty() {
        out.push(format!("Type: {sample_type}"));
    }
    let doc = p.str(p.doc_url);
    if !doc.is_empty() {
        out.push(format!("Doc: {doc}"));
    }
    if p.time_nanos != 0 {
        out.push(format!("Time: {}", format_time(p.time_nanos)));
    }
    if p.duration_nanos != 0 {
        let duration = units::label(p.duration_nanos, "nanoseconds");
        let (total_ns, total_unit) = units::scale(total, sample_unit, "nanoseconds");
        let ratio = if total_unit == "ns" && total_ns != 0.0 {
            format!("({})", units::percentage(total_ns as i64, p.duration_nanos))
        } else {
            String::new()
        };
        out.push(format!(
            "Duration: {duration}, Total samples = {} {ratio}",
            units::scaled_label(total, sample_unit, output_unit)
        ));
    }
    out
}

/// `2006-01-02 15:04:05 MST` in the local time zone, as Go's `time.Format`.
pub fn format_time(nanos: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_nanosecond(i128::from(nanos)) else {
        return nanos.to_string();
    };
    let zoned = ts.to_zoned(jiff::tz::TimeZone::system());
    zoned.strftime("%Y-%m-%d %H:%M:%S %Z").to_string()
}

/// Sort order of report rows: pprof's `FlatNameOrder` / `CumNameOrder`.
/// Names compare as pprof compares them: numerically by address when both
/// nodes have one, else by printable name; ties end in `fmt.Sprint` of
/// the node info, a total order.
pub(crate) fn compare_nodes(
    t: &NodeTable,
    names: &[String],
    flat: &[i64],
    cum: &[i64],
    cum_sort: bool,
    a: usize,
    b: usize,
) -> Ordering {
    let by_name = |a: usize, b: usize| -> Ordering {
        let (ia, ib) = (&t.infos[a], &t.infos[b]);
        if ia == ib {
            return Ordering::Equal;
        }
        if ia.address != 0 && ib.address != 0 && ia.address != ib.address {
            return ia.address.cmp(&ib.address);
        }
        names[a].cmp(&names[b])
    };
    let (pa, pb, sa, sb) = if cum_sort {
        (
            cum[a].wrapping_abs(),
            cum[b].wrapping_abs(),
            flat[a].wrapping_abs(),
            flat[b].wrapping_abs(),
        )
    } else {
        (
            flat[a].wrapping_abs(),
            flat[b].wrapping_abs(),
            cum[a].wrapping_abs(),
            cum[b].wrapping_abs(),
        )
    };
    pb.cmp(&pa)
        .then_with(|| by_name(a, b))
        .then_with(|| sb.cmp(&sa))
        .then_with(|| t.infos[a].sprint().cmp(&t.infos[b].sprint()))
}

/// The smallest nonzero |flat| (|cum| where flat is 0) of the rows, as
/// pprof's `selectOutputUnit` takes it; the total when all are 0, `None`
/// when there are no rows.
fn minimum_value(total: i64, values: impl Iterator<Item = (i64, i64)>) -> Option<i64> {
    let mut min_value = 0i64;
    let mut any = false;
    for (flat, cum) in values {
        any = true;
        let mut m = flat.wrapping_abs();
        if m == 0 {
            m = cum.wrapping_abs();
        }
        if m > 0 && (min_value == 0 || m < min_value) {
            min_value = m;
        }
    }
    if !any {
        return None;
    }
    Some(if min_value == 0 { total } else { min_value })
}

/// pprof's `selectOutputUnit` for `-unit=minimum`.
pub fn select_output_unit(
    sample_unit: &str,
    requested: &str,
    total: i64,
    values: impl Iterator<Item = (i64, i64)>,
) -> String {
    output_unit(sample_unit, requested, total, values, false)
}

/// [`select_output_unit`]; with `integers` (callgrind, which prints
/// integers only) the smallest value is not scaled down to 0.01 of a
/// larger unit.
pub(crate) fn output_unit(
    sample_unit: &str,
    requested: &str,
    total: i64,
    values: impl Iterator<Item = (i64, i64)>,
    integers: bool,
) -> String {
    if requested != "minimum" {
        return requested.to_string();
    }
    let Some(min_value) = minimum_value(total, values) else {
        return requested.to_string();
    };
    let max_value = total;
    let (_, min_unit) = units::scale(min_value, sample_unit, "minimum");
    let mut unit = min_unit.clone();
    if !integers {
        let (_, max_unit) = units::scale(max_value, sample_unit, "minimum");
        if min_unit != max_unit && min_value.saturating_mul(100) < max_value {
            unit = units::scale(min_value.saturating_mul(100), sample_unit, "minimum").1;
        }
    }
    if unit.is_empty() {
        sample_unit.to_string()
    } else {
        unit
    }
}

/// Builds the `top` report for a profile.
pub fn top(p: &Profile, o: &TopOptions) -> TopReport {
    top_with_total(p, o, compute_total(p, o.sample_index))
}

/// Builds the `top` report with a given percentage denominator: pprof
/// computes the total before filtering, so a filtered profile is reported
/// against the total of the unfiltered one.
pub fn top_with_total(p: &Profile, o: &TopOptions, total: i64) -> TopReport {
    let idx = o.sample_index;
    let sample_type = p.sample_type_name(idx).to_string();
    let sample_unit = p.sample_type_unit(idx).to_lowercase();

    let table = aggregate::node_table(p, o.nodes);
    let (flat, cum) = aggregate::flat_cum(p, &table, idx);
    let n = table.len();
    let present: Vec<usize> = (0..n).filter(|&i| flat[i] != 0 || cum[i] != 0).collect();
    let total_value: i64 = present
        .iter()
        .map(|&i| flat[i])
        .fold(0i64, |a, b| a.wrapping_add(b));
    let node_cutoff = ((total_value as f64 * o.nodefraction) as i64).wrapping_abs();
    let edge_cutoff = ((total_value as f64 * o.edgefraction) as i64).wrapping_abs();

    let mut kept: Vec<usize> = if node_cutoff > 0 {
        present
            .iter()
            .copied()
            .filter(|&i| cum[i].wrapping_abs() >= node_cutoff)
            .collect()
    } else {
        present.clone()
    };
    let dropped_nodes = present.len() - kept.len();
    let orig_count = kept.len();

    // Only kept nodes are sorted and printed, so only they need a name.
    let mut names: Vec<String> = vec![String::new(); n];
    for &i in &kept {
        names[i] = table.infos[i].printable_name();
    }
    kept.sort_by(|&a, &b| compare_nodes(&table, &names, &flat, &cum, o.cum, a, b));
    if o.nodecount > 0 && kept.len() > o.nodecount {
        kept.truncate(o.nodecount);
    }

    // Inline marks come from the edges into the kept nodes, among kept
    // nodes only; only nodes that are somewhere an inlined frame can have
    // an inline edge, so edges are recorded into those alone, and the pass
    // is skipped when no kept node is one.
    let mut into = aggregate::ever_inlined(&table);
    let mut mask = vec![false; n];
    for &i in &kept {
        mask[i] = true;
    }
    for (i, m) in into.iter_mut().enumerate() {
        *m &= mask[i];
    }
    let mut has_inline = vec![false; n];
    let mut has_plain = vec![false; n];
    if into.iter().any(|&b| b) {
        let all_kept = kept.len() == present.len();
        let lists = aggregate::in_edges(
            p,
            &table,
            idx,
            if all_kept { None } else { Some(&mask) },
            &into,
        );
        for (dst, list) in lists.iter().enumerate() {
            for &(_, weight, inline) in list {
                if weight.wrapping_abs() < edge_cutoff {
                    continue;
                }
                if inline {
                    has_inline[dst] = true;
                } else {
                    has_plain[dst] = true;
                }
            }
        }
    }

    let rows: Vec<TopRow> = kept
        .iter()
        .map(|&i| TopRow {
            name: names[i].clone(),
            inline: match (has_inline[i], has_plain[i]) {
                (true, true) => InlineLabel::PartialInline,
                (true, false) => InlineLabel::Inline,
                _ => InlineLabel::None,
            },
            flat: flat[i],
            cum: cum[i],
        })
        .collect();
    let shown_total = rows
        .iter()
        .map(|r| r.flat)
        .fold(0i64, |a, b| a.wrapping_add(b));
    let output_unit = select_output_unit(
        &sample_unit,
        &o.unit,
        total,
        rows.iter().map(|r| (r.flat, r.cum)),
    );
    let profile_labels = profile_labels(p, &sample_type, total, &sample_unit, &output_unit);
    TopReport {
        profile_labels,
        sample_type,
        sample_unit,
        output_unit,
        total,
        shown_total,
        nodefraction: o.nodefraction,
        dropped_nodes,
        orig_count,
        rows,
        ratio: 1.0,
    }
}
