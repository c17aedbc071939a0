//! `heapscope check [BASE] NEW RULES`: the CI gate. Exit 0 when every rule
//! holds, 1 when one is violated, 2 on errors (bad file, bad rule).

use super::diff::{load_indexed, load_values, same_type};
use super::{Outcome, stdout_writer};
use crate::options::{CheckFormat, CheckRequest};
use crate::output;
use crate::render;
use crate::report::check::{self, CheckInput, CheckReport};
use crate::report::nodes;
use anyhow::{Context, Result, bail};
use std::io::{self, Write};

fn render_to(r: &CheckReport, f: CheckFormat, w: &mut dyn Write) -> io::Result<()> {
    match f {
        CheckFormat::Text => render::check::text(r, w),
        CheckFormat::Json => render::check::json(r, w),
        CheckFormat::Markdown => render::check::markdown(r, w),
        CheckFormat::Junit => render::check::junit(r, w),
        CheckFormat::Github => render::check::github(r, w),
    }
}

pub fn run(a: CheckRequest) -> Result<Outcome> {
    let rules = a.rules;
    // The command line names the rules it lacks, before this; here the
    // request itself is refused.
    if rules.is_empty() {
        bail!("no rules to check");
    }
    let (base_name, new_name) = match a.profiles.as_slice() {
        [n] => (None, n.as_str()),
        [b, n] => (Some(b.as_str()), n.as_str()),
        _ => bail!("expected [BASE] NEW"),
    };
    if base_name == Some("-") && new_name == "-" {
        bail!("standard input (-) can be read only once");
    }
    let req = a.sample.announce();
    let opts = a.nodes;
    let base = match base_name {
        Some(b) => Some(load_values(b, req, opts, &a.filters, &a.input)?),
        None => None,
    };
    let (p, idx) = load_indexed(new_name, req, &a.filters, &a.input)?;
    let new = nodes::node_values(&p, idx, opts);
    if let (Some(b), Some(bn)) = (&base, base_name) {
        same_type(b, bn, &new, new_name)?;
    }
    let shown = |n: &str| crate::source::display_name(n).to_string();
    let report = check::evaluate(
        &rules,
        &CheckInput {
            base: base.as_ref(),
            base_name: base_name.map(shown),
            new: &new,
            new_name: shown(new_name),
            new_profile: &p,
            sample_index: idx,
            nodes: opts,
            strict: a.strict,
        },
    )?;
    drop(p);
    let output = a.output.as_deref().filter(|p| !super::is_stdout(p));
    if let Some(path) = output {
        output::write_atomic(path, |f| render_to(&report, a.format, f))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let printed = (|| {
        let mut w = stdout_writer();
        match output {
            Some(_) => render::check::text(&report, &mut w)?,
            None => render_to(&report, a.format, &mut w)?,
        }
        w.flush()
    })();
    // A reader that stops early (`check ... | head -1`) must not turn a
    // violation into exit 0: the verdict stands whatever stdout did.
    match printed {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    Ok(if report.passed() {
        Outcome::Ok
    } else {
        Outcome::Violation
    })
}
