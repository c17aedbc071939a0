//! Shared by every command that aggregates: apply `--focus` & co. to a
//! loaded profile, printing pprof's messages on stderr.

use crate::filter::{self, FilterSpec};
use crate::profile::Profile;
use anyhow::Result;

/// Applies the filters in place. Messages ("Focus expression matched no
/// samples", "tagfocus:Interpreted ...") go to stderr, as pprof prints
/// them; `spec.header_lines()` is the `Active filters:` block.
pub(crate) fn apply_filters(p: &mut Profile, spec: &FilterSpec) -> Result<()> {
    let out = filter::apply(p, spec)?;
    for m in out.messages {
        eprintln!("{m}");
    }
    Ok(())
}
