//! Shared by every command that aggregates: apply `--focus` & co. to a
//! loaded profile, printing pprof's messages on stderr.

use crate::cli::FilterArgs;
use crate::filter::{self, FilterSpec};
use crate::profile::Profile;
use anyhow::Result;

/// Applies the filters in place and returns their spec (for the `Active
/// filters:` header). Messages ("Focus expression matched no samples",
/// "tagfocus:Interpreted ...") go to stderr, as pprof prints them.
pub(crate) fn apply_filters(p: &mut Profile, args: &FilterArgs) -> Result<FilterSpec> {
    let spec = args.to_spec();
    let out = filter::apply(p, &spec)?;
    for m in out.messages {
        eprintln!("{m}");
    }
    Ok(spec)
}
