//! `heapscope folded` and `heapscope flame`: folded stacks on stdout, and
//! an SVG flame graph written atomically (differential with `--base`).
//!
//! Both refuse, with the same message and exit 2, a sample type that leaves
//! nothing to show (every value zero, or nothing left after the filters):
//! an empty folded output or an empty SVG would read as "no memory".

use super::filtering::apply_filters;
use super::{Outcome, load, write_report};
use crate::options::{FlameRequest, FoldedRequest, SampleRequest, Selection};
use crate::profile::{self, Profile};
use crate::render::flame::{self as fr, FlameOptions};
use crate::{report, units};
use anyhow::{Context, Result};

fn sample_index(p: &Profile, s: &SampleRequest) -> Result<usize> {
    profile::sample_index(p, s.announce()).map_err(anyhow::Error::msg)
}

/// Whether every sample's value of sample type `idx` is zero.
fn all_zero(p: &Profile, idx: usize) -> bool {
    p.samples.iter().all(|s| s.values[idx] == 0)
}

/// The error for a sample type that leaves no stack to show; the same for
/// `folded` and `flame`. `zero` is [`all_zero`] before the filters;
/// `negative` says the stacks left have only negative values (which a
/// flame graph cannot draw).
fn nothing_to_show(
    p: &Profile,
    idx: usize,
    names: &[String],
    zero: bool,
    negative: bool,
) -> anyhow::Error {
    let shown = super::shown_names(names);
    let t = p.sample_type_name(idx);
    if zero {
        let types: Vec<&str> = (0..p.sample_types.len())
            .map(|i| p.sample_type_name(i))
            .collect();
        anyhow::anyhow!(
            "{shown}: every {t} value is zero: no stack to show (sample types: {}; choose one with \
             --sample-index)",
            types.join(", ")
        )
    } else if negative {
        anyhow::anyhow!(
            "{shown}: every {t} stack is negative (a delta that only shrank): a flame graph draws \
             positive values only (`folded` lists them; `flame --base` draws the change)"
        )
    } else {
        anyhow::anyhow!("{shown}: no stack with a non-zero {t} value is left after the filters")
    }
}

/// The selected profiles, leanly (`super::load_lean`: only the sample
/// type's sums over stacks) when `lean` and the input allows it.
fn load_maybe_lean(s: &Selection, lean: bool) -> Result<Profile> {
    if lean {
        if let Some(l) = super::load_lean(&s.profiles, &s.input, &s.sample.index)? {
            return Ok(l.profile);
        }
    }
    load(&s.profiles, &s.input)
}

pub fn folded(a: FoldedRequest) -> Result<Outcome> {
    let s = &a.selection;
    // Only the sample type's sums over stacks matter: lean when there is
    // nothing to filter (as `flame`).
    let mut p = load_maybe_lean(s, s.filters.is_empty())?;
    let idx = sample_index(&p, &s.sample)?;
    let zero = all_zero(&p, idx);
    apply_filters(&mut p, &s.filters)?;
    // Samples sorted by stack, written out line by line, not every line in memory.
    let tree = report::folded::folded_lines(&p, idx, a.nodes);
    if tree.is_empty() {
        return Err(nothing_to_show(&p, idx, &s.profiles, zero, false));
    }
    write_report(a.output.as_deref(), |w| fr::folded_text_streamed(&tree, w))?;
    Ok(Outcome::Ok)
}

pub fn flame(a: FlameRequest) -> Result<Outcome> {
    let s = &a.selection;
    let plain = a.against.is_empty()
        && s.bases.base.is_empty()
        && s.bases.diff_base.is_empty()
        && s.filters.is_empty();
    let mut p = load_maybe_lean(s, plain)?;
    let idx = sample_index(&p, &s.sample)?;
    let sample_type = p.sample_type_name(idx).to_string();
    let unit = p.sample_type_unit(idx).to_lowercase();
    let zero = all_zero(&p, idx);
    apply_filters(&mut p, &s.filters)?;
    let nodes = a.nodes;
    // Without a base, the stacks come from a frame tree pruned as the SVG
    // writer prunes frames (report::folded::flame_stacks).
    let (stacks, total, any_stack) = if a.against.is_empty() {
        let f = report::folded::flame_stacks(&p, idx, nodes, a.min_width);
        (f.lines, f.total, f.any_stack)
    } else {
        let st = report::folded::folded(&p, idx, nodes);
        let total: i64 = st.iter().map(|(_, v)| (*v).max(0)).sum();
        let any = !st.is_empty();
        (st, total, any)
    };
    // A flame graph draws positive values only.
    if total <= 0 {
        return Err(nothing_to_show(&p, idx, &s.profiles, zero, any_stack));
    }
    let count_name = if unit == "count" {
        "objects"
    } else {
        unit.as_str()
    };
    let title = format!(
        "{sample_type}: {} total",
        units::scaled_label(total, &unit, "auto")
    );
    let names = s.profiles.join(", ");
    let options = |subtitle| FlameOptions {
        title: &title,
        subtitle: Some(subtitle),
        count_name,
        min_width: a.min_width,
    };
    if a.against.is_empty() {
        let o = options(&names);
        write_report(Some(&a.output), |w| fr::flame_svg(&stacks, &o, w))?;
    } else {
        let mut b = load(&a.against, &s.input)?;
        // The base is read with the same sample type, by name.
        let bidx = profile::sample_index(&b, &sample_type)
            .map_err(anyhow::Error::msg)
            .with_context(|| a.against.join(", "))?;
        apply_filters(&mut b, &s.filters)?;
        let base = report::folded::folded(&b, bidx, nodes);
        let base_total: i64 = base.iter().map(|(_, v)| (*v).max(0)).sum();
        let diff = report::folded::differential(&base, &stacks);
        let subtitle = format!(
            "{names} against {} ({} before); red grew, blue shrank",
            a.against.join(", "),
            units::scaled_label(base_total, &unit, "auto")
        );
        let o = options(&subtitle);
        write_report(Some(&a.output), |w| fr::flame_diff_svg(&diff, &o, w))?;
    }
    Ok(Outcome::Ok)
}
