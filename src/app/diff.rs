//! `heapscope diff BASE NEW`: a node-by-node comparison of two profiles.

use super::filtering::apply_filters;
use super::{Outcome, load, write_report};
use crate::aggregate::NodeOptions;
use crate::cli::{ColorArg, DiffArgs, FilterArgs, InputArgs, TableFormat};
use crate::profile::{self, Profile};
use crate::render;
use crate::report::diff::{self, DiffOptions};
use crate::report::nodes::{self, NodeValues};
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;

/// Loads one profile, applies the filters and picks its sample index
/// (`req` as for top).
pub(super) fn load_indexed(
    name: &str,
    req: &str,
    filters: &FilterArgs,
    input: &InputArgs,
) -> Result<(Profile, usize)> {
    let mut p = load(std::slice::from_ref(&name.to_string()), input)?;
    apply_filters(&mut p, filters)
        .with_context(|| crate::source::display_name(name).to_string())?;
    let idx = profile::sample_index(&p, req)
        .map_err(|e| anyhow::anyhow!("{}: {e}", crate::source::display_name(name)))?;
    Ok((p, idx))
}

/// Loads one profile and reduces it to node values (the profile is
/// dropped).
pub(super) fn load_values(
    name: &str,
    req: &str,
    opts: NodeOptions,
    filters: &FilterArgs,
    input: &InputArgs,
) -> Result<NodeValues> {
    let (p, idx) = load_indexed(name, req, filters, input)?;
    Ok(nodes::node_values(&p, idx, opts))
}

/// Refuses to compare different sample types, naming the types both
/// profiles have, or saying that they have none in common.
pub(super) fn same_type(a: &NodeValues, an: &str, b: &NodeValues, bn: &str) -> Result<()> {
    if a.sample_type != b.sample_type || a.sample_unit != b.sample_unit {
        let (an, bn) = (
            crate::source::display_name(an),
            crate::source::display_name(bn),
        );
        let lower = |t: &String| t.to_lowercase();
        let common: Vec<&str> = a
            .sample_types
            .iter()
            .filter(|t| b.sample_types.iter().any(|u| lower(u) == lower(t)))
            .map(|t| t.split('/').next().unwrap_or(t))
            .collect();
        if common.is_empty() {
            bail!(
                "{an} and {bn} have no sample type in common, so they cannot be compared: \
                 {an} has {}; {bn} has {}",
                a.sample_types.join(", "),
                b.sample_types.join(", ")
            );
        }
        bail!(
            "{an} reports {}/{} but {bn} reports {}/{}: choose a type both have with \
             --sample-index ({})",
            a.sample_type,
            a.sample_unit,
            b.sample_type,
            b.sample_unit,
            common.join(", ")
        );
    }
    Ok(())
}

/// Whether to colour: --color, else a terminal without NO_COLOR.
pub(super) fn use_color(c: ColorArg) -> bool {
    match c {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Prints the warnings of the sample selection flags.
pub(super) fn sample_request(s: &crate::cli::SampleArgs) -> String {
    let (req, warnings) = s.resolve();
    for w in warnings {
        eprintln!("{w}");
    }
    req
}

pub(crate) fn run(a: DiffArgs) -> Result<Outcome> {
    if a.base == "-" && a.new == "-" {
        bail!("standard input (-) can be read only once");
    }
    let c = &a.common;
    let req = sample_request(&c.sample);
    let opts = c.nodes.to_options();
    let base = load_values(&a.base, &req, opts, &c.filters, &c.input)?;
    let new = load_values(&a.new, &req, opts, &c.filters, &c.input)?;
    same_type(&base, &a.base, &new, &a.new)?;
    let mut r = diff::diff(
        &base,
        &new,
        &DiffOptions {
            cum: c.cum,
            nodecount: c.nodecount,
        },
    );
    r.base_name = crate::source::display_name(&a.base).to_string();
    r.new_name = crate::source::display_name(&a.new).to_string();
    let out = a.out.output.as_deref();
    let color = out.is_none_or(super::is_stdout) && use_color(c.color);
    write_report(out, |w| match c.format {
        TableFormat::Text => render::diff::text(&r, color, w),
        TableFormat::Json => render::diff::json(&r, w),
        TableFormat::Csv => render::diff::csv_out(&r, w),
        TableFormat::Markdown => render::diff::markdown(&r, w),
    })?;
    Ok(Outcome::Ok)
}
