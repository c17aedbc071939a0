//! `heapscope folded` and `heapscope flame`: folded stacks on stdout, and
//! an SVG flame graph written atomically (differential with `--base`).
//!
//! Both refuse, with the same message and exit 2, a sample type that leaves
//! nothing to show (every value zero, or nothing left after the filters):
//! an empty folded output or an empty SVG would read as "no memory".

use super::filtering::apply_filters;
use super::{Outcome, load, write_report};
use crate::cli::{FlameArgs, FoldedArgs, SampleArgs};
use crate::profile::{self, Profile};
use crate::render::flame::{self as fr, FlameOptions};
use crate::{report, units};
use anyhow::{Context, Result};

fn sample_index(p: &Profile, s: &SampleArgs) -> Result<usize> {
    let (req, warnings) = s.resolve();
    for w in warnings {
        eprintln!("{w}");
    }
    profile::sample_index(p, &req).map_err(anyhow::Error::msg)
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

pub(crate) fn folded(a: FoldedArgs) -> Result<Outcome> {
    let mut p = load(&a.profiles, &a.input)?;
    let idx = sample_index(&p, &a.sample)?;
    let zero = all_zero(&p, idx);
    apply_filters(&mut p, &a.filters)?;
    let stacks = report::folded::folded(&p, idx, a.nodes.to_options());
    if stacks.is_empty() {
        return Err(nothing_to_show(&p, idx, &a.profiles, zero, false));
    }
    write_report(a.out.output.as_deref(), |w| fr::folded_text(&stacks, w))?;
    Ok(Outcome::Ok)
}

pub(crate) fn flame(a: FlameArgs) -> Result<Outcome> {
    let plain = a.base.is_empty() && a.filters.to_spec().is_empty();
    let lean = if plain {
        super::load_lean(&a.profiles, &a.input, &a.sample.resolve().0)?
    } else {
        None
    };
    let mut p = match lean {
        Some(l) => l.profile,
        None => load(&a.profiles, &a.input)?,
    };
    let idx = sample_index(&p, &a.sample)?;
    let sample_type = p.sample_type_name(idx).to_string();
    let unit = p.sample_type_unit(idx).to_lowercase();
    let zero = all_zero(&p, idx);
    apply_filters(&mut p, &a.filters)?;
    let nodes = a.nodes.to_options();
    // Without a base, the stacks come from a frame tree pruned as the SVG
    // writer prunes frames (report::folded::flame_stacks).
    let (stacks, total, any_stack) = if a.base.is_empty() {
        let f = report::folded::flame_stacks(&p, idx, nodes, a.min_width);
        (f.lines, f.total, f.any_stack)
    } else {
        let s = report::folded::folded(&p, idx, nodes);
        let total: i64 = s.iter().map(|(_, v)| (*v).max(0)).sum();
        let any = !s.is_empty();
        (s, total, any)
    };
    // A flame graph draws positive values only.
    if total <= 0 {
        return Err(nothing_to_show(&p, idx, &a.profiles, zero, any_stack));
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
    let names = a.profiles.join(", ");
    let path = &a.output;
    if a.base.is_empty() {
        let subtitle = names;
        let o = FlameOptions {
            title: &title,
            subtitle: Some(&subtitle),
            count_name,
            min_width: a.min_width,
        };
        write_report(Some(path), |w| fr::flame_svg(&stacks, &o, w))?;
    } else {
        let mut b = load(&a.base, &a.input)?;
        // The base is read with the same sample type, by name.
        let bidx = profile::sample_index(&b, &sample_type)
            .map_err(anyhow::Error::msg)
            .with_context(|| a.base.join(", "))?;
        apply_filters(&mut b, &a.filters)?;
        let base = report::folded::folded(&b, bidx, nodes);
        let base_total: i64 = base.iter().map(|(_, v)| (*v).max(0)).sum();
        let diff = report::folded::differential(&base, &stacks);
        let subtitle = format!(
            "{names} against {} ({} before); red grew, blue shrank",
            a.base.join(", "),
            units::scaled_label(base_total, &unit, "auto")
        );
        let o = FlameOptions {
            title: &title,
            subtitle: Some(&subtitle),
            count_name,
            min_width: a.min_width,
        };
        write_report(Some(path), |w| fr::flame_diff_svg(&diff, &o, w))?;
    }
    Ok(Outcome::Ok)
}
