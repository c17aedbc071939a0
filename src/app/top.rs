//! `heapscope top`: pprof's `-top`.

use super::filtering::apply_filters;
use super::{Outcome, write_report};
use crate::cli::{Format, TopArgs};
use crate::{profile, render, report};
use anyhow::Result;

pub(crate) fn run(a: TopArgs) -> Result<Outcome> {
    let (req, warnings) = a.sample.resolve();
    let (mut p, total_of) =
        super::load_for_aggregate(&a.profiles, &a.base, &a.filters, &a.input, &req)?;
    for w in warnings {
        eprintln!("{w}");
    }
    let idx = profile::sample_index(&p, &req)
        .map_err(|e| anyhow::anyhow!("{}: {e}", super::shown_names(&a.profiles)))?;
    let mut o = a.to_options();
    o.sample_index = idx;
    let total = total_of(&p, idx);
    let spec = apply_filters(&mut p, &a.filters)?;
    let mut r = report::top_with_total(&p, &o, total);
    r.profile_labels.extend(spec.header_lines());
    write_report(a.out.output.as_deref(), |w| match a.format {
        Format::Text => render::top_text(&r, w),
        Format::Json => render::top_json(&r, w),
        Format::Csv => render::top_csv(&r, w),
        Format::Markdown => render::top_markdown(&r, w),
    })?;
    Ok(Outcome::Ok)
}
