//! `heapscope diff BASE NEW`: a node-by-node comparison of two profiles.

use super::filtering::apply_filters;
use super::{Outcome, load, write_report};
use crate::aggregate::NodeOptions;
use crate::filter::FilterSpec;
use crate::options::{Color, Compare, DiffRequest, InputOptions, Output};
use crate::profile::decode::LeanColumns;
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
    filters: &FilterSpec,
    input: &InputOptions,
) -> Result<(Profile, usize)> {
    let mut p = load(std::slice::from_ref(&name.to_string()), input)?;
    apply_filters(&mut p, filters)
        .with_context(|| crate::source::display_name(name).to_string())?;
    let idx = sample_index_of(&p, name, req)?;
    Ok((p, idx))
}

/// Loads one profile and reduces it to node values (the profile is
/// dropped). Without filters the profile is read leanly: only samples
/// with a value of the sample type, no labels, and (as the sampling
/// variance is not linear in a sample's weight) no samples merged.
pub(super) fn load_values(
    name: &str,
    req: &str,
    opts: NodeOptions,
    filters: &FilterSpec,
    input: &InputOptions,
) -> Result<NodeValues> {
    if filters.is_empty() {
        let names = [name.to_string()];
        let cols = LeanColumns::Unmerged(req);
        if let Some(l) = super::load_lean_as(&names, input, cols)? {
            let idx = sample_index_of(&l.profile, name, req)?;
            return Ok(nodes::node_values(&l.profile, idx, opts));
        }
    }
    let (p, idx) = load_indexed(name, req, filters, input)?;
    Ok(nodes::node_values(&p, idx, opts))
}

/// The sample index `req` asks for, the error naming the file.
fn sample_index_of(p: &Profile, name: &str, req: &str) -> Result<usize> {
    profile::sample_index(p, req)
        .map_err(|e| anyhow::anyhow!("{}: {e}", crate::source::display_name(name)))
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

/// Whether to colour: as asked, else on a terminal without NO_COLOR.
pub(super) fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

impl Compare {
    /// Loads one profile and reduces it to node values, with the sample
    /// type `req` (see [`crate::options::SampleRequest`]).
    pub(super) fn values(&self, name: &str, req: &str) -> Result<NodeValues> {
        load_values(name, req, self.nodes, &self.filters, &self.input)
    }
}

pub fn run(a: DiffRequest) -> Result<Outcome> {
    if a.base == "-" && a.new == "-" {
        bail!("standard input (-) can be read only once");
    }
    let c = &a.compare;
    let req = c.sample.announce();
    let base = c.values(&a.base, req)?;
    let new = c.values(&a.new, req)?;
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
    r.set_output_unit(&a.output.unit);
    write_compared(&r, &a.output, c.color, &render::diff::FORMATS)?;
    Ok(Outcome::Ok)
}

/// Writes a report of compared profiles (diff, trend) in the asked
/// format; text going to standard output is coloured as `color` says.
pub(super) fn write_compared<R>(
    r: &R,
    output: &Output,
    color: Color,
    formats: &render::TableFormats<R>,
) -> Result<()> {
    let out = output.path.as_deref();
    let color = out.is_none_or(super::is_stdout) && use_color(color);
    write_report(out, |w| formats.write(r, output.format, color, w))
}
