//! `heapscope symbolize PROFILE --binary BIN -o OUT`: symbolizes a profile
//! and writes it as gzip profile.proto (atomically), so pprof and other
//! tools can read it without the binary.
//!
//! A symbolized profile outlives the run, so this command does not settle
//! for a guess: when nothing could be symbolized, or the main binary's
//! mapping stayed unresolved, it fails (exit 2) and writes nothing; other
//! unresolved mappings get one warning line each; `--strict` fails on any
//! unresolved location and on any binary that may not be its mapping's.

use super::{Outcome, decode_opened, fetch, symbolize_quietly};
use crate::options::SymbolizeRequest;
use crate::profile::{encode, prune};
use crate::source;
use anyhow::{Context, Result, bail};

pub fn run(a: SymbolizeRequest) -> Result<Outcome> {
    let shown = source::display_name(&a.profile);
    let opened = fetch::open(&a.profile, &a.input)?;
    let mut p = decode_opened(shown, opened, &a.input)?;
    let summary = symbolize_quietly(&mut p, &a.input)?;
    prune::remove_uninteresting(&mut p).with_context(|| shown.to_string())?;
    for w in summary
        .mapping_warnings()
        .into_iter()
        .chain(summary.suspect_warnings())
    {
        eprintln!("heapscope: warning: {shown}: {w}");
    }
    let left = summary.attempted - summary.symbolized;
    if summary.attempted > 0 && summary.symbolized == 0 {
        bail!(
            "{shown}: none of its {} locations could be symbolized; nothing written to {}",
            summary.attempted,
            a.output.display()
        );
    }
    if summary.main_unresolved() {
        let main = summary
            .mappings
            .iter()
            .find(|m| m.main && m.attempted > 0)
            .map(|m| m.mapping.as_str())
            .unwrap_or_default();
        let why: Vec<&str> = summary
            .failures
            .iter()
            .filter(|f| f.mapping == main)
            .map(|f| f.reason.as_str())
            .collect();
        let main = if main.is_empty() {
            "(no file name)"
        } else {
            main
        };
        bail!(
            "{shown}: the main binary's mapping {main} stayed unresolved ({}); nothing written to {}",
            why.join("; "),
            a.output.display()
        );
    }
    if a.strict && (left > 0 || !summary.suspects.is_empty()) {
        let mut why = Vec::new();
        if left > 0 {
            why.push(format!(
                "{left} of {} locations left unsymbolized",
                summary.attempted
            ));
        }
        if !summary.suspects.is_empty() {
            why.push(format!(
                "{} binar{} may not belong to {} mapping",
                summary.suspects.len(),
                if summary.suspects.len() == 1 {
                    "y"
                } else {
                    "ies"
                },
                if summary.suspects.len() == 1 {
                    "its"
                } else {
                    "their"
                }
            ));
        }
        bail!(
            "{shown}: --strict: {}; nothing written to {}",
            why.join(", "),
            a.output.display()
        );
    }
    super::write_report(Some(&a.output), |w| encode::write_gzip(&p, w))?;
    Ok(Outcome::Ok)
}
